"""The bank desk's write forms in process: each admits exactly the roles its API endpoint admits,
a bank key bound to one bank is refused on another bank's pledge as the API refuses it (nothing
written), and refusals show on the form with the API's code."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID, uuid4

import httpx

from domain.access import Role
from tests.api.test_console_http import csrf_of
from tests.api.test_http import Api
from tests.api.test_trades_http import Market, call, get

STEPS = ("consents", "release", "default", "enforcement", "support")
FORMS = ("pledges", *STEPS)


def sign_in_with(api: Api, key: str) -> str:
    """Sign the console in with `key`; return the desk's CSRF token (or '' if refused)."""
    token = csrf_of(api.client.get("/console/login").text)
    signed = api.client.post("/console/login", data={"key": key, "csrf": token},
                             follow_redirects=False)
    assert signed.status_code == 303, signed.text
    desk = api.client.get("/console/bank/desk")
    return csrf_of(desk.text) if desk.status_code == 200 else ""


def api_path(name: str, pledge_id: str) -> str:
    return "/v1/pledges" if name == "pledges" else f"/v1/pledges/{pledge_id}/{name}"


def both(api: Api, key: str, token: str, name: str, pledge_id: str,
         body: dict[str, str]) -> tuple[httpx.Response, httpx.Response]:
    """The same request to the API (as JSON) and to the console form (with the session)."""
    direct = api.client.post(api_path(name, pledge_id), json=body,
                             headers={"Authorization": f"Bearer {key}"})
    form = api.client.post(f"/console/bank/desk/{name}",
                           data={**body, "pledge_id": pledge_id, "csrf": token or "none"})
    return direct, form


def test_each_form_is_seen_and_accepted_by_exactly_the_roles_its_endpoint_admits(
        api: Api) -> None:
    unknown = str(uuid4())
    before = api.head()
    for role in Role:
        token = sign_in_with(api, api.keys[role])
        desk = api.client.get("/console/bank/desk").text if token else ""
        for name in FORMS:
            direct, form = both(api, api.keys[role], token, name, unknown, {})
            admitted = direct.status_code != 403
            assert form.status_code == direct.status_code, (role, name, form.text)
            assert (f'action="/console/bank/desk/{name}"' in desk) is admitted, (role, name)
            if direct.status_code == 404:  # admitted, and refused by the Ledger: inline
                assert f"({direct.json()['code']})" in form.text, (role, name)
    assert api.head() == before


def test_a_key_bound_to_one_bank_is_refused_on_another_banks_pledge_as_by_the_api(
        api: Api, market: Market) -> None:
    pid = call(api, "/v1/pledges", market.pledge(), Role.BANK)["id"]
    other = market.org("河北银行", "bank", 9)
    runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    bound = runtime.ledger.issue_api_key(Role.BANK, "河北银行", party_id=UUID(other))
    token = sign_in_with(api, bound)
    head = api.head()
    seen = get(api, f"/v1/pledges/{pid}", wait_for_position=head)
    bodies: dict[str, dict[str, str]] = {
        "consents": {"contract_number": "HT-2026-009"}, "release": {"note": "结清"},
        "default": {"note": "逾期"}, "enforcement": {"proceeds": "1.00"},
        "support": {"kind": "interest_subsidy", "amount": "1.00", "payer": "x"}}
    for name, body in bodies.items():
        direct, form = both(api, bound, token, name, pid, body)
        code = "forbidden" if name == "support" else "not_the_pledgee"  # support: the bureau's
        assert (direct.status_code, direct.json()["code"]) == (403, code), name
        assert form.status_code == 403, name
        if name != "support":  # a role refusal is the console's forbidden page, not a form
            refusal = re.search(r'data-testid="error-' + name + r'">([^<]*)<', form.text)
            assert refusal and "无权限" in refusal.group(1) and code in refusal.group(1), name
        assert f'data-testid="done-{name}"' not in form.text
    assert api.head() == head
    assert get(api, f"/v1/pledges/{pid}", wait_for_position=head) == seen

    sign_in_with(api, runtime.ledger.issue_api_key(Role.BANK, "保定银行",
                                                   party_id=UUID(market.bank)))
    token = csrf_of(api.client.get("/console/bank/desk").text)
    own = api.client.post("/console/bank/desk/default", data={"pledge_id": pid, "csrf": token})
    assert own.status_code == 200 and 'data-testid="done-default"' in own.text
    assert get(api, f"/v1/pledges/{pid}", wait_for_position=api.head())["status"] == "defaulted"


def refusal_of(page: httpx.Response, name: str) -> str:
    found = re.search(r'data-testid="error-' + name + r'">([^<]*)<', page.text)
    assert found, page.text
    return found.group(1)


def test_consent_on_a_released_pledge_is_refused_on_the_form_in_either_language(
        api: Api, market: Market) -> None:
    pid = call(api, "/v1/pledges", market.pledge(), Role.BANK)["id"]
    call(api, f"/v1/pledges/{pid}/release", {"effective_date": "2026-06-30"}, Role.BANK, 200)
    token = sign_in_with(api, api.keys[Role.BANK])
    head = api.head()
    body = {"contract_number": "HT-2026-001"}
    direct, form = both(api, api.keys[Role.BANK], token, "consents", pid, body)
    assert (direct.status_code, direct.json()["code"]) == (409, "invalid_state_transition")
    assert form.status_code == 409
    message = refusal_of(form, "consents")
    assert "当前状态不允许该操作" in message and "invalid_state_transition" in message
    assert "released" in message
    assert 'value="HT-2026-001" data-testid="consents-contract_number"' in form.text
    api.client.get("/console/lang/en?next=/console/bank/desk")
    english = api.client.post("/console/bank/desk/consents", data={**body, "pledge_id": pid,
                                                                   "csrf": token})
    assert "Not allowed in the current state" in refusal_of(english, "consents")
    assert api.head() == head


def submit(api: Api, token: str, name: str, **fields: str) -> httpx.Response:
    return api.client.post(f"/console/bank/desk/{name}", data={**fields, "csrf": token})


def test_default_enforcement_and_subsidy_through_the_desk_show_on_the_pledge_page(
        api: Api, market: Market) -> None:
    pid = call(api, "/v1/pledges", market.pledge(), Role.BANK)["id"]
    bank = sign_in_with(api, api.keys[Role.BANK])
    early = submit(api, bank, "enforcement", pledge_id=pid, proceeds="700000.00")
    assert early.status_code == 409 and "needs status defaulted" in refusal_of(early, "enforcement")
    assert submit(api, bank, "default", pledge_id=pid, note="逾期").status_code == 200
    cents = submit(api, bank, "enforcement", pledge_id=pid, proceeds="1.005")
    assert cents.status_code == 422 and "proceeds" in refusal_of(cents, "enforcement")
    done = submit(api, bank, "enforcement", pledge_id=pid, proceeds="700000.00")
    assert done.status_code == 200 and 'data-testid="done-enforcement"' in done.text

    bureau = sign_in_with(api, api.keys[Role.REGISTRAR])
    desk = api.client.get(f"/console/bank/desk?pledge_id={pid}").text
    assert 'data-testid="support-form"' in desk and 'data-testid="default-form"' not in desk
    paid = submit(api, bureau, "support", pledge_id=pid, kind="risk_compensation",
                  amount="200000.00", payer="保定市科技贷款风险补偿资金池")
    link = re.search(r'href="(/console/bank/pledges/[^"]+)"', paid.text)
    assert paid.status_code == 200 and link, paid.text
    shown = api.client.get(link.group(1).replace("&amp;", "&")).text
    row: dict[str, Any] = get(api, f"/v1/pledges/{pid}")
    assert (row["status"], row["proceeds"]) == ("enforced", "700000.00")
    assert f'data-status="{row["status"]}"' in shown and "质权已实现" in shown
    assert "风险补偿" in shown and "200000.00" in shown and "¥700000.00" in shown


def test_the_pledge_page_admits_the_roles_get_pledge_admits(api: Api, market: Market) -> None:
    pid = call(api, "/v1/pledges", market.pledge(), Role.BANK)["id"]
    for role in Role:
        sign_in_with(api, api.keys[role])
        for asked in (pid, str(uuid4())):
            direct = api.client.get(f"/v1/pledges/{asked}", headers=api.as_(role),
                                    params={"wait_for_position": api.head()})
            shown = api.client.get(f"/console/bank/pledges/{asked}")
            assert shown.status_code == direct.status_code, (role, asked)


def test_a_written_form_redirects_so_reloading_the_page_writes_nothing_twice(
        api: Api, market: Market) -> None:
    pid = call(api, "/v1/pledges", market.pledge(), Role.BANK)["id"]
    bureau = sign_in_with(api, api.keys[Role.REGISTRAR])
    paid = api.client.post("/console/bank/desk/support", follow_redirects=False, data={
        "pledge_id": pid, "kind": "interest_subsidy", "amount": "1200.00", "payer": "科技局",
        "csrf": bureau})
    assert paid.status_code == 303, paid.text
    head = api.head()
    for _ in range(2):  # the browser's reload after the redirect is a GET
        shown = api.client.get(paid.headers["location"])
        assert shown.status_code == 200 and f"<code>{pid}</code>" in shown.text
        assert 'data-testid="done-support"' in shown.text
    assert api.head() == head
    assert len(get(api, f"/v1/pledges/{pid}")["support"]) == 1
