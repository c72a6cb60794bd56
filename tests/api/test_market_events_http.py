"""Market events over HTTP: schedule (idempotent), feature, register, hold, attend; the event
with its follow-on contract and the statistics; roles, and refusals as problem+json with their
codes and nothing written."""

from __future__ import annotations

from typing import Any

from domain.access import Role
from tests.api.test_http import Api
from tests.api.test_trades_http import Market, call, get

EX = Role.EXCHANGE_OPERATOR
MISSING = "00000000-0000-4000-8000-000000000000"


def event(market: Market, **changes: Any) -> dict[str, Any]:
    return {"kind": "roadshow", "title": "2026年保定市现代农业科技成果路演",
            "organiser_id": market.exchange, "starts_on": "2026-03-10", "ends_on": "2026-03-10",
            "region_code": "130600", "venue": "保定国家高新区", "effective_date": "2026-02-20",
            **changes}


def problem(api: Api, path: str, body: Any, code: str, status: int,
            headers: dict[str, str] | None = None) -> None:
    before = api.head()
    response = api.client.post(path, json=body, headers={**api.as_(EX), **(headers or {})})
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == code, response.text
    assert api.head() == before


def test_a_roadshow_that_led_to_a_contract(api: Api, market: Market) -> None:
    headers = {"Idempotency-Key": "roadshow-1"}
    response = api.client.post("/v1/market-events", json=event(market),
                               headers={**api.as_(EX), **headers})
    assert response.status_code == 201, response.text
    event_id = response.json()["id"]
    assert response.headers["Location"] == f"/v1/market-events/{event_id}"
    again = call(api, "/v1/market-events", event(market), EX, headers=headers)
    assert (again["id"], again["replayed"]) == (event_id, True)
    problem(api, "/v1/market-events", event(market, title="另一场路演"), "idempotency_key_reused",
            409, headers)
    base = f"/v1/market-events/{event_id}"
    call(api, f"{base}/achievements", {"achievement_id": market.ach,
                                       "effective_date": "2026-03-01"}, EX, 200)
    call(api, f"{base}/registrations", {"party_id": market.ent, "effective_date": "2026-03-02"},
         EX, 200)
    problem(api, f"{base}/attendance", {"party_id": market.ent}, "invalid_state_transition", 409)
    call(api, f"{base}/holding", {"effective_date": "2026-03-10"}, EX, 200)
    call(api, f"{base}/attendance", {"party_id": market.ent, "effective_date": "2026-03-10"},
         EX, 200)
    contract = call(api, "/v1/contracts", market.contract(effective_date="2026-04-01"), EX)
    read = get(api, f"{base}?wait_for_position={api.head()}", Role.AUDITOR)
    assert read["status"] == "held" and read["featured_achievements"][0]["item_id"] == market.ach
    assert read["attendees"][0]["attended_on"] == "2026-03-10"
    deal = read["follow_on"]["contracts"][0]
    assert (deal["contract_id"], deal["reasons"]) == \
        (contract["id"], ["featured_achievement", "buyer_attended"])
    stats = get(api, "/v1/statistics/events", Role.BANK)
    assert stats["items"][0]["deals"] == 1 and stats["items"][0]["turnover"] == "500000.00"
    assert stats["items"][0]["attendees"] == 1 and stats["items"][0]["featured"] == 1
    listed = get(api, "/v1/market-events?kind=roadshow", Role.REGISTRAR)
    assert [e["id"] for e in listed["items"]] == [event_id]


def test_roles_and_refusals(api: Api, market: Market) -> None:
    call(api, "/v1/market-events", event(market), Role.BANK, status=403)
    call(api, "/v1/market-events", event(market), Role.REGISTRAR, status=403)
    problem(api, "/v1/market-events", event(market, organiser_id=market.ent), "wrong_party_kind",
            409)
    problem(api, "/v1/market-events", event(market, title="Roadshow"), "invalid_input", 422)
    problem(api, "/v1/market-events", event(market, kind="fair"), "invalid_field", 422)
    problem(api, "/v1/market-events", event(market, region_code="999999"),
            "invalid_region_code", 422)
    problem(api, f"/v1/market-events/{MISSING}/holding", {}, "market_event_not_found", 404)
    event_id = call(api, "/v1/market-events", event(market), EX)["id"]
    base = f"/v1/market-events/{event_id}"
    problem(api, f"{base}/achievements", {"achievement_id": MISSING}, "achievement_not_found", 404)
    problem(api, f"{base}/holding", {"effective_date": "2026-03-10"}, "invalid_state_transition",
            409)
    call(api, f"{base}/cancellation", {"reason": "场地调整", "effective_date": "2026-03-01"},
         EX, 200)
    problem(api, f"{base}/achievements", {"achievement_id": market.ach},
            "invalid_state_transition", 409)
    get(api, base, Role.BANK, expect=403)
    get(api, f"/v1/market-events/{MISSING}", Role.AUDITOR, expect=404)
