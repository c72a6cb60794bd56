"""The market desk in process: a demand posted through the console lands exactly as through
the API, its ranked candidates are the API's, an introduction and its contracted outcome go
through the API's commands, refusals show inline with the API's code, and roles follow the
API's."""

from __future__ import annotations

import re

from domain.access import Role
from tests.api.test_console_http import csrf_of, sign_in
from tests.api.test_demands_http import demand
from tests.api.test_http import Api
from tests.api.test_trades_http import Market, call, get


def _post_demand(api: Api, market: Market, **changes: str) -> str:
    page = api.client.get("/console/demands")
    body = demand(market.ent)
    form = {"csrf": csrf_of(page.text), "enterprise_id": market.ent, "title": body["title"],
            "description": body["description"], "field": body["field"],
            "keywords": "节水灌溉，滴灌", "region_code": body["region_code"],
            "budget_min": body["budget_min"], "budget_max": body["budget_max"],
            "deadline": body["deadline"], "effective_date": body["effective_date"], **changes}
    answer = api.client.post("/console/demands", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    found = re.fullmatch(r"/console/demands/([0-9a-f-]{36})", answer.headers["location"])
    assert found
    return found.group(1)


def test_post_a_demand_introduce_the_best_candidate_and_record_the_deal(
        api: Api, market: Market) -> None:
    sign_in(api, Role.EXCHANGE_OPERATOR)
    demand_id = _post_demand(api, market)
    stored = get(api, f"/v1/demands/{demand_id}?wait_for_position={api.head()}", Role.AUDITOR)
    assert stored["keywords"] == ["节水灌溉", "滴灌"] and stored["budget_max"] == "600000.00"
    page = api.client.get(f"/console/demands/{demand_id}?as_of=2026-04-10")
    ranked = get(api, f"/v1/demands/{demand_id}/candidates?as_of=2026-04-10", Role.REGISTRAR)
    shown = re.findall(r'<tr data-achievement="([0-9a-f-]{36})"><td>\d+</td>', page.text)
    assert shown == [c["achievement_id"] for c in ranked["items"]] and shown[0] == market.ach
    assert "节水灌溉" in page.text and ranked["policy"]["version"] in page.text
    introduced = api.client.post(f"/console/demands/{demand_id}/matches", data={
        "csrf": csrf_of(page.text), "achievement_id": market.ach, "score": "0.9"},
        follow_redirects=True)
    assert introduced.status_code == 200 and "已对接" in introduced.text
    match = get(api, f"/v1/matches?demand_id={demand_id}", Role.AUDITOR)["items"][0]
    contract = call(api, "/v1/contracts", market.contract(), Role.EXCHANGE_OPERATOR)
    done = api.client.post(f"/console/demands/{demand_id}/outcomes", data={
        "csrf": csrf_of(introduced.text), "match_id": match["id"], "outcome": "contracted",
        "contract_id": contract["id"]}, follow_redirects=True)
    assert done.status_code == 200
    assert re.search(r'data-testid="demand-status" data-status="matched">已成交<', done.text)
    assert get(api, f"/v1/demands/{demand_id}", Role.AUDITOR)["contract_id"] == contract["id"]
    listing = api.client.get("/console/demands")
    stats = get(api, "/v1/statistics/matching", Role.BANK)
    assert re.search(rf'data-testid="conv-contracted">{stats["demands_with_deal"]}<', listing.text)


def test_refusals_show_inline_with_the_api_code_and_write_nothing(
        api: Api, market: Market) -> None:
    sign_in(api, Role.EXCHANGE_OPERATOR)
    before = api.head()
    page = api.client.get("/console/demands")
    answer = api.client.post("/console/demands", data={
        "csrf": csrf_of(page.text), "enterprise_id": market.ent, "title": "需求",
        "description": "描述", "field": "现代农业", "keywords": "节水", "region_code": "999999",
        "deadline": "2027-06-30"})
    assert answer.status_code == 422 and "invalid_region_code" in answer.text
    demand_id = _post_demand(api, market)
    written = api.head()
    page = api.client.get(f"/console/demands/{demand_id}")
    closed = api.client.post(f"/console/demands/{demand_id}/outcomes", data={
        "csrf": csrf_of(page.text), "match_id": "not-a-uuid", "outcome": "declined"})
    assert closed.status_code == 422 and "match_id" in closed.text
    forged = api.client.post(f"/console/demands/{demand_id}/matches", data={
        "csrf": "forged", "achievement_id": market.ach})
    assert forged.status_code == 403
    assert api.head() == written and written > before


def test_roles_follow_the_api(api: Api, market: Market) -> None:
    sign_in(api, Role.EXCHANGE_OPERATOR)
    demand_id = _post_demand(api, market)
    sign_in(api, Role.AUDITOR)  # may read demands, not rank candidates nor write
    page = api.client.get(f"/console/demands/{demand_id}")
    assert page.status_code == 200 and 'data-testid="candidates"' not in page.text
    assert 'data-testid="demand-form"' not in api.client.get("/console/demands").text
    refused = api.client.post(f"/console/demands/{demand_id}/matches",
                              data={"csrf": csrf_of(page.text), "achievement_id": market.ach})
    assert refused.status_code == 403
    assert api.client.get(f"/console/achievements/{market.ach}/demands").status_code == 403
    sign_in(api, Role.REGISTRAR)
    page = api.client.get(f"/console/demands/{demand_id}")
    assert 'data-testid="candidates"' in page.text and 'data-testid="introduce"' not in page.text
    serves = api.client.get(f"/console/achievements/{market.ach}/demands?as_of=2026-04-10")
    assert serves.status_code == 200 and demand_id in serves.text
    sign_in(api, Role.BANK)
    assert api.client.get("/console/demands").status_code == 403
