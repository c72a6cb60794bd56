"""The events desk in process: the statistics page equals /v1/statistics/events; an exchange
operator features an achievement, records that the event was held and who came, through the
API's endpoint functions; the deal that followed shows with its reasons; refusals show inline
with the API's code and write nothing; roles follow the API's."""

from __future__ import annotations

import re

from domain.access import Role
from tests.api.test_console_http import csrf_of, sign_in
from tests.api.test_http import Api
from tests.api.test_market_events_http import event
from tests.api.test_trades_http import Market, call, get

EX = Role.EXCHANGE_OPERATOR


def _scheduled(api: Api, market: Market) -> str:
    created = call(api, "/v1/market-events", event(market), EX)
    call(api, f"/v1/market-events/{created['id']}/registrations",
         {"party_id": market.ent, "effective_date": "2026-03-02"}, EX, 200)
    return str(created["id"])


def _post(api: Api, path: str, **form: str) -> str:
    page = api.client.get(path.rsplit("/", 1)[0])
    answer = api.client.post(path, data={"csrf": csrf_of(page.text), **form})
    assert answer.status_code == 200, answer.text
    return answer.text


def test_an_operator_runs_an_event_and_sees_the_deal_that_followed(
        api: Api, market: Market) -> None:
    event_id = _scheduled(api, market)
    sign_in(api, EX)
    base = f"/console/events/{event_id}"
    page = _post(api, f"{base}/achievements", achievement_id=market.ach,
                 effective_date="2026-03-01")
    assert f'data-achievement="{market.ach}"' in page
    page = _post(api, f"{base}/holding", effective_date="2026-03-10")
    assert re.search(r'data-testid="event-status" data-status="held">已举办<', page)
    page = _post(api, f"{base}/attendance", party_id=market.ent, effective_date="2026-03-10")
    assert re.search(rf'data-party="{market.ent}">.*?data-testid="attended">2026-03-10<', page)
    contract = call(api, "/v1/contracts", market.contract(effective_date="2026-04-01"), EX)
    get(api, f"/v1/market-events/{event_id}?wait_for_position={api.head()}", Role.AUDITOR)
    page = api.client.get(base).text
    assert f'data-contract="{contract["id"]}"' in page and "买方到场" in page
    assert re.search(r'data-reasons="[^"]*buyer_attended', page)
    figures = get(api, "/v1/statistics/events", Role.BANK)
    sign_in(api, Role.BANK)  # every role sees which events produced deals
    listing = api.client.get("/console/events").text
    assert re.search(rf'data-testid="deals-total">{figures["contracts"]}<', listing)
    assert re.search(rf'data-testid="turnover-total">{figures["turnover"]}<', listing)
    assert f'href="/console/events/{event_id}"' not in listing  # banks may not open events


def test_refusals_are_the_apis_and_write_nothing(api: Api, market: Market) -> None:
    event_id = _scheduled(api, market)
    sign_in(api, EX)
    base = f"/console/events/{event_id}"
    before = api.head()
    page = api.client.get(base).text
    refused = api.client.post(f"{base}/attendance", data={"csrf": csrf_of(page),
                                                          "party_id": market.ent})
    assert refused.status_code == 409 and "invalid_state_transition" in refused.text
    bad = api.client.post(f"{base}/achievements", data={"csrf": csrf_of(page),
                                                        "achievement_id": "nonsense"})
    assert bad.status_code == 422 and "achievement_id" in bad.text
    forged = api.client.post(f"{base}/holding", data={"csrf": "forged"})
    assert forged.status_code == 403
    assert api.head() == before


def test_roles_follow_the_api(api: Api, market: Market) -> None:
    event_id = _scheduled(api, market)
    sign_in(api, Role.AUDITOR)
    page = api.client.get(f"/console/events/{event_id}")
    assert page.status_code == 200 and 'data-testid="hold-form"' not in page.text
    assert api.client.post(f"/console/events/{event_id}/holding",
                           data={"csrf": csrf_of(page.text)}).status_code == 403
    sign_in(api, Role.BANK)
    assert api.client.get(f"/console/events/{event_id}").status_code == 403
