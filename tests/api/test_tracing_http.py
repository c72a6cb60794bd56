"""Backward tracing (回溯) over HTTP: timelines for auditors and registrars, read-your-writes,
`as_known_at`, pages, roles and problem+json for unknown ids."""

from __future__ import annotations

from domain.access import Role
from tests.api.test_http import Api
from tests.api.test_trades_http import EX, Market, call, get

NOBODY = "00000000-0000-4000-8000-000000000000"


def licensed_pledged_and_released(api: Api, market: Market) -> int:
    """The market's achievement licensed, then pledged and released; the last position."""
    call(api, "/v1/contracts", market.contract(), EX)
    pledge = call(api, "/v1/pledges", market.pledge(
        effective_date="2026-05-01", loan_start="2026-05-01"), Role.BANK)["id"]
    released = call(api, f"/v1/pledges/{pledge}/release", {"effective_date": "2026-06-30"},
                    Role.BANK, 200)
    return int(released["position"])


def test_an_auditor_opens_an_achievement_and_sees_its_whole_life(api: Api, market: Market) -> None:
    last = licensed_pledged_and_released(api, market)
    answer = get(api, f"/v1/achievements/{market.ach}/timeline", wait_for_position=last)
    entries = answer["entries"]
    assert [e["event"] for e in entries] == [
        "achievement.registered", "contract.accepted", "rights.opened",
        "contract.registration_completed", "rights.licensed", "pledge.registered",
        "rights.pledged", "pledge.released", "rights.unpledged"]
    assert entries[-1]["position"] == last
    assert [e["position"] for e in entries] == sorted(e["position"] for e in entries)
    assert entries[4]["summary"]["zh"] == "许可给 保定某科技公司（ordinary）"
    assert entries[5]["roles"] == ["pledged"] and entries[5]["effective_date"] == "2026-05-01"
    assert answer["subject"] == {"id": market.ach, "kind": "achievement",
                                 "title": "一种节水灌溉装置", "status": "registered",
                                 "registration_number": answer["subject"]["registration_number"]}

    known = entries[1]["recorded_at"]  # as the ledger knew it when the contract came in
    then = get(api, f"/v1/achievements/{market.ach}/timeline", as_known_at=known)
    assert then["as_known_at"] == known
    assert [e["event"] for e in then["entries"]][:2] == ["achievement.registered",
                                                         "contract.accepted"]
    assert "pledge.registered" not in [e["event"] for e in then["entries"]]


def test_a_registrar_pages_through_a_partys_timeline(api: Api, market: Market) -> None:
    last = licensed_pledged_and_released(api, market)
    path = f"/v1/parties/{market.bank}/timeline"
    whole = get(api, path, Role.REGISTRAR, wait_for_position=last, page_size=50)
    assert [e["event"] for e in whole["entries"]] == [
        "party.registered", "pledge.registered", "rights.pledged", "pledge.released"]
    assert whole["entries"][1]["roles"] == ["pledgee"] and whole["subject"]["name"] == "保定银行"
    second = get(api, path, Role.REGISTRAR, page=2, page_size=2)
    assert (second["total"], second["page"], second["page_size"]) == (4, 2, 2)
    assert second["entries"] == whole["entries"][2:]


def test_a_projects_timeline_and_unknown_ids(api: Api, market: Market) -> None:
    project = call(api, "/v1/projects", {"title": "节水灌溉中试", "undertaker_id": market.uni,
                                         "programme": "保定市科技计划",
                                         "fiscal_amount": "300000.00"})
    answer = get(api, f"/v1/projects/{project['id']}/timeline",
                 wait_for_position=project["position"])
    assert [e["event"] for e in answer["entries"]] == ["project.proposed"]
    assert answer["subject"]["output_ids"] == []
    for what, collection in (("achievement", "achievements"), ("project", "projects"),
                             ("party", "parties")):
        problem = get(api, f"/v1/{collection}/{NOBODY}/timeline", expect=404)
        assert problem["code"] == f"{what}_not_found"


def test_only_auditors_registrars_and_admins_trace(api: Api, market: Market) -> None:
    path = f"/v1/achievements/{market.ach}/timeline"
    for role in (Role.AUDITOR, Role.REGISTRAR, Role.ADMIN):
        get(api, path, role)
    for role in (EX, Role.BANK, Role.EVALUATION_AGENCY):
        assert get(api, path, role, expect=403)["code"] == "forbidden"
    response = api.client.get(path)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    naive = get(api, path, as_known_at="2026-06-01T00:00:00", expect=422)
    assert naive["code"] == "invalid_field"
