"""Demands, matching and matches over HTTP: roles, idempotent creation, candidates with their
reasons, a contracted match, and bad input refused with problem+json and nothing written."""

from __future__ import annotations

from typing import Any

from domain.access import Role
from tests.api.test_http import Api
from tests.api.test_trades_http import Market, call, get

MISSING = "00000000-0000-4000-8000-000000000000"


def demand(enterprise: str, **changes: Any) -> dict[str, Any]:
    return {"enterprise_id": enterprise, "title": "寻求节水灌溉装置技术",
            "description": "合作社需要节水灌溉装置，降低用水量。", "field": "现代农业",
            "keywords": ["节水灌溉"], "budget_min": "100000.00", "budget_max": "600000.00",
            "region_code": "130600", "deadline": "2027-06-30", "effective_date": "2026-04-02",
            **changes}


def test_demand_to_candidates_to_a_contracted_match(api: Api, market: Market) -> None:
    body = demand(market.ent)
    headers = {"Idempotency-Key": "need-1"}
    first = call(api, "/v1/demands", body, Role.EXCHANGE_OPERATOR, headers=headers)
    again = call(api, "/v1/demands", body, Role.EXCHANGE_OPERATOR, headers=headers)
    assert again["id"] == first["id"] and again["replayed"]
    demand_id = first["id"]
    found = get(api, f"/v1/demands/{demand_id}/candidates?as_of=2026-04-10"
                f"&wait_for_position={first['position']}", Role.REGISTRAR)
    top = found["items"][0]
    assert top["achievement_id"] == market.ach
    assert top["why"]["field_match"] and top["why"]["shared_keywords"] == ["节水灌溉"]
    match = call(api, "/v1/matches", {"demand_id": demand_id, "achievement_id": market.ach,
                                      "score": str(top["why"]["score"]),
                                      "effective_date": "2026-04-10"}, Role.EXCHANGE_OPERATOR)
    contract = call(api, "/v1/contracts", market.contract(), Role.EXCHANGE_OPERATOR)
    call(api, f"/v1/matches/{match['id']}/outcome",
         {"outcome": "contracted", "contract_id": contract["id"], "effective_date": "2026-05-01"},
         Role.EXCHANGE_OPERATOR, status=200)
    read = get(api, f"/v1/demands/{demand_id}?wait_for_position={api.head()}", Role.AUDITOR)
    assert read["status"] == "matched" and read["contract_id"] == contract["id"]
    stats = get(api, "/v1/statistics/matching", Role.BANK)
    assert stats["demands_with_deal"] == 1 and stats["share_dealt"] == "1.0000"


def test_roles_and_bad_input(api: Api, market: Market) -> None:
    call(api, "/v1/demands", demand(market.ent), Role.BANK, status=403)
    before = api.head()
    for changes, code in (({"budget_min": "700000.00"}, "invalid_input"),
                          ({"budget_min": "1.234"}, "invalid_field"),
                          ({"region_code": "999999"}, "invalid_region_code"),
                          ({"keywords": []}, "invalid_field"),
                          ({"enterprise_id": MISSING}, "party_not_found")):
        response = api.client.post("/v1/demands", json=demand(market.ent, **changes),
                                   headers=api.as_(Role.EXCHANGE_OPERATOR))
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == code, (changes, response.text)
    assert api.head() == before
    get(api, f"/v1/demands/{MISSING}/candidates", Role.REGISTRAR, expect=404)
    get(api, f"/v1/demands/{MISSING}/candidates", Role.BANK, expect=403)
