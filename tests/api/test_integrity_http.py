"""Integrity over HTTP: only auditors decide; the blacklist for users, a party's record for
auditors, the public list without a key; problem+json for bad input."""

from __future__ import annotations

from typing import Any

from domain.access import Role
from tests.api.test_http import Api
from tests.api.test_trades_http import Market, call, get


def body(market: Market, **changes: Any) -> dict[str, Any]:
    return {"subject_id": market.uni, "role": "applicant", "category": "evaluation_fraud",
            "severity": "general", "findings": "提供虚假检测报告", "authority": "保定市科学技术局",
            "decision_ref": "保科诚〔2026〕3号", "decided_on": "2026-05-01", "published": True,
            "sanctions": [{"kind": "禁止参与技术交易", "scopes": ["trading"],
                           "start": "2026-05-01", "end": "2027-04-30"}], **changes}


def test_a_decision_bites_and_shows(api: Api, market: Market) -> None:
    assert call(api, "/v1/misconduct-records", body(market), Role.REGISTRAR, 403)["code"] \
        == "forbidden"
    created = call(api, "/v1/misconduct-records", body(market), Role.AUDITOR)
    rid = created["id"]
    barred = call(api, "/v1/contracts", market.contract(signed_on="2026-06-01",
                                                        effective_date="2026-06-02"),
                  Role.EXCHANGE_OPERATOR, 409)
    assert barred["code"] == "party_barred_by_sanction"
    listed = get(api, "/v1/integrity/blacklist", Role.BANK, as_of="2026-06-01", scope="trading",
                 wait_for_position=created["position"])
    assert [x["party_id"] for x in listed["items"]] == [market.uni]
    public = api.client.get("/v1/public/blacklist", params={"as_of": "2026-06-01"})
    assert public.status_code == 200 and public.json()["items"][0]["decision_ref"] \
        == "保科诚〔2026〕3号"
    assert "findings" not in public.json()["items"][0]
    call(api, f"/v1/misconduct-records/{rid}/appeal", {"grounds": "报告真实",
         "effective_date": "2026-05-10"}, Role.AUDITOR, 200)
    done = call(api, f"/v1/misconduct-records/{rid}/appeal-decision", {
        "overturned": True, "reasons": "证据不足", "effective_date": "2026-07-01"}, Role.AUDITOR, 200)
    record = get(api, f"/v1/parties/{market.uni}/integrity", Role.AUDITOR,
                 wait_for_position=done["position"])
    assert record["records"][0]["status"] == "overturned"
    assert get(api, f"/v1/misconduct-records/{rid}", Role.REGISTRAR)["overturned"] is True
    get(api, f"/v1/parties/{market.uni}/integrity", Role.BANK, expect=403)


def test_bad_input_is_refused(api: Api, market: Market) -> None:
    bad_scope = body(market, sanctions=[{"kind": "x", "scopes": ["flying"], "start": "2026-05-01"}])
    assert call(api, "/v1/misconduct-records", bad_scope, Role.AUDITOR, 422)["code"] \
        == "invalid_field"
    short = body(market, category="solicitation", sanctions=[{
        "kind": "x", "scopes": ["evaluation_expert"], "start": "2026-05-01", "end": "2026-12-31"}])
    assert call(api, "/v1/misconduct-records", short, Role.AUDITOR, 422)["code"] \
        == "invalid_input"
    assert get(api, "/v1/misconduct-records/00000000-0000-4000-8000-000000000000",
               expect=404)["code"] == "misconduct_record_not_found"
