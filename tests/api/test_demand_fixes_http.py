"""Demands over HTTP: an update straight after the post (the enterprise comes from the demand,
not the views), a match refused with its reason, the operators' expiry sweep, and the serving
app's own sweep, and its matching index warmed with the sweep switched off."""

from __future__ import annotations

import time
from datetime import date

from domain.access import Role
from projections import matching_index
from services.ledger import Ledger
from services.settings import Settings
from tests.api.test_demands_http import demand
from tests.api.test_evaluations_http import Story
from tests.api.test_http import Api, api_on, party_body
from tests.api.test_trades_http import Market, call, get
from tests.service.test_demand_expiry import post
from tests.service.trade_world import World


def test_put_right_after_post_needs_no_views(api: Api, market: Market) -> None:
    runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    runtime.follower.stop()  # the views never see the demand: the PUT must not need them
    created = call(api, "/v1/demands", demand(market.ent), Role.EXCHANGE_OPERATOR,
                   headers={"Idempotency-Key": "need-put"})
    body = {k: v for k, v in demand(market.ent).items() if k != "enterprise_id"}
    response = api.client.put(f"/v1/demands/{created['id']}", json={**body, "title": "新的需求名称"},
                              headers=api.as_(Role.EXCHANGE_OPERATOR))
    assert response.status_code == 200, response.text
    assert response.json()["position"] > created["position"]
    runtime.follower.catch_up()
    read = get(api, f"/v1/demands/{created['id']}")
    assert read["title"] == "新的需求名称" and read["enterprise_id"] == market.ent


def test_a_match_for_a_pledged_achievement_is_refused_with_its_reason(api: Api,
                                                                       market: Market) -> None:
    need = call(api, "/v1/demands", demand(market.ent), Role.EXCHANGE_OPERATOR)
    call(api, "/v1/pledges", market.pledge(), Role.BANK)
    before = api.head()
    response = api.client.post("/v1/matches", json={
        "demand_id": need["id"], "achievement_id": market.ach, "effective_date": "2026-04-10"},
        headers=api.as_(Role.EXCHANGE_OPERATOR))
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "achievement_not_offered"
    assert response.json()["reason"] == "pledged_without_consent"
    assert api.head() == before


def test_the_expiry_sweep_expires_overdue_demands_once(api: Api, market: Market) -> None:
    overdue = call(api, "/v1/demands", demand(market.ent, deadline="2026-05-31"),
                   Role.EXCHANGE_OPERATOR, headers={"Idempotency-Key": "overdue"})
    later = call(api, "/v1/demands", demand(market.ent), Role.EXCHANGE_OPERATOR,
                 headers={"Idempotency-Key": "later"})
    get(api, f"/v1/demands/{later['id']}?wait_for_position={later['position']}")
    call(api, "/v1/demands/expiry-sweep", {"as_of": "2026-06-10"}, Role.BANK, status=403)
    ahead = call(api, "/v1/demands/expiry-sweep", {"as_of": "2099-01-01"},
                 Role.EXCHANGE_OPERATOR, status=422)  # would expire demands still running
    assert ahead["code"] == "invalid_input"
    swept = call(api, "/v1/demands/expiry-sweep", {"as_of": "2026-06-10"},
                 Role.EXCHANGE_OPERATOR, status=200)
    assert swept["expired"] == [overdue["id"]] and swept["candidates"] == 1
    read = get(api, f"/v1/demands/{overdue['id']}?wait_for_position={swept['position']}")
    assert read["status"] == "expired" and read["ended_on"] == "2026-06-01"
    again = call(api, "/v1/demands/expiry-sweep", {"as_of": "2026-06-10"},
                 Role.EXCHANGE_OPERATOR, status=200)
    assert again["expired"] == [] and again["position"] is None
    assert get(api, f"/v1/demands/{later['id']}")["status"] == "open"


def test_the_serving_app_expires_overdue_demands_by_itself(sqlite_settings: Settings) -> None:
    settings = sqlite_settings.model_copy(update={"demand_expiry_interval_s": 0.1})
    with Ledger(settings) as ledger:
        overdue = post(World.build(ledger), "overdue", date(2026, 5, 31))
    with api_on(settings) as api:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            found = api.client.get(f"/v1/demands/{overdue}", headers=api.as_(Role.AUDITOR))
            if found.status_code == 200 and found.json()["status"] == "expired":
                break
            time.sleep(0.1)
        assert found.json()["status"] == "expired" and found.json()["ended_on"] == "2026-06-01"


def test_the_serving_app_warms_the_matching_index_with_the_sweep_off(
        sqlite_settings: Settings) -> None:
    settings = sqlite_settings.model_copy(update={"demand_expiry_interval_s": 0})
    with Ledger(settings) as ledger:
        World.build(ledger).achievement()
    with api_on(settings) as api:
        views = api.client.app.state.runtime.views  # type: ignore[attr-defined]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with views.read() as tx:
                loaded = matching_index.indexed_position(tx)
            if loaded is not None:  # loaded by the start-up step: no query has run
                break
            time.sleep(0.1)
        assert loaded is not None


def test_a_match_for_an_achievement_with_a_revoked_evaluation_is_refused(api: Api) -> None:
    """The route finds the achievement's evaluations in the views; the command reads each one's
    revocation from the ledger."""
    story = Story(api)
    evaluation = story.commission()
    enterprise = call(api, "/v1/parties", {**party_body(9), "name": "保定某节水设备公司",
                                           "kind": "enterprise"})["id"]
    need = call(api, "/v1/demands", demand(enterprise), Role.EXCHANGE_OPERATOR)
    revoked = call(api, f"/v1/evaluations/{evaluation}/revocation", {
        "reason": "评价中弄虚作假", "decision_ref": "保科诚〔2023〕1号"}, Role.AUDITOR, status=200)
    get(api, f"/v1/demands/{need['id']}?wait_for_position={revoked['position']}")
    before = api.head()
    response = api.client.post("/v1/matches", json={
        "demand_id": need["id"], "achievement_id": story.achievement,
        "effective_date": "2026-04-10"}, headers=api.as_(Role.EXCHANGE_OPERATOR))
    assert response.status_code == 409, response.text
    assert response.json()["reason"] == "evaluation_revoked"
    assert api.head() == before
