"""The web console in process: sign-in, CSRF, and the API's role rules on its pages."""

from __future__ import annotations

import re

import httpx

from api.console.session import COOKIE
from domain.access import Role
from tests.api.test_http import Api


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token in the form"
    return found.group(1)


def sign_in(api: Api, role: Role) -> httpx.Response:
    token = csrf_of(api.client.get("/console/login").text)
    return api.client.post("/console/login", data={"key": api.keys[role], "csrf": token},
                           follow_redirects=False)


def test_pages_need_a_session_and_send_you_to_sign_in(api: Api) -> None:
    answer = api.client.get("/console/bank/pledges", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/login?next=%2Fconsole%2Fbank%2Fpledges"


def test_sign_in_keeps_the_key_in_an_http_only_cookie_and_lands_where_asked(api: Api) -> None:
    answer = sign_in(api, Role.BANK)
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert api.keys[Role.BANK] not in cookie  # encoded and signed, never echoed raw
    home = api.client.get("/console")
    assert home.status_code == 200 and "bank" in home.text and "质押查询" in home.text


def test_a_wrong_key_is_refused_with_a_clear_message(api: Api) -> None:
    token = csrf_of(api.client.get("/console/login").text)
    answer = api.client.post("/console/login", data={"key": "tl_nonsense", "csrf": token})
    assert answer.status_code == 401
    assert "API 密钥无效或已吊销" in answer.text


def test_a_post_without_the_session_token_is_refused(api: Api) -> None:
    api.client.get("/console/login")
    answer = api.client.post("/console/login", data={"key": api.keys[Role.ADMIN],
                                                      "csrf": "forged"})
    assert answer.status_code == 403
    assert api.client.get("/console", follow_redirects=False).status_code == 303


def test_a_tampered_cookie_counts_as_no_session(api: Api) -> None:
    sign_in(api, Role.AUDITOR)
    value = api.client.cookies[COOKIE]
    api.client.cookies.set(COOKIE, value[:-2] + "xx", path="/console")
    assert api.client.get("/console", follow_redirects=False).status_code == 303


def test_roles_follow_the_api(api: Api) -> None:
    """Exchange operators may look pledges up (as in the API) but not see a bank's book; banks
    see the blacklist (any role may) but not a party's integrity record (auditors do)."""
    sign_in(api, Role.EXCHANGE_OPERATOR)
    assert api.client.get("/console/bank/pledge-status").status_code == 200
    refused = api.client.get("/console/bank/pledges")
    assert refused.status_code == 403 and "无权访问" in refused.text
    assert api.client.get("/console/bank/alerts").status_code == 403
    sign_in(api, Role.BANK)
    assert api.client.get("/console/integrity/blacklist").status_code == 200
    party = "00000000-0000-0000-0000-000000000001"
    assert api.client.get(f"/console/integrity/parties/{party}").status_code == 403
    assert api.client.get("/console/achievements/00000000-0000-0000-0000-000000000002"
                          "/receipt").status_code == 403


def test_sign_out_ends_the_session_and_needs_its_token(api: Api) -> None:
    sign_in(api, Role.REGISTRAR)
    page = api.client.get("/console").text
    assert api.client.post("/console/logout", data={"csrf": "forged"}).status_code == 403
    assert api.client.get("/console").status_code == 200
    out = api.client.post("/console/logout", data={"csrf": csrf_of(page)},
                          follow_redirects=False)
    assert out.status_code == 303
    assert api.client.get("/console", follow_redirects=False).status_code == 303


def test_english_switch(api: Api) -> None:
    sign_in(api, Role.AUDITOR)
    api.client.get("/console/lang/en?next=/console/integrity/blacklist")
    assert "Blacklist" in api.client.get("/console/integrity/blacklist").text
    away = api.client.get("/console/lang/zh?next=https://evil.example/", follow_redirects=False)
    assert away.headers["location"] == "/console"


def test_the_exchange_desk_is_the_apis_registrants_only(api: Api) -> None:
    sign_in(api, Role.BANK)
    assert api.client.get("/console/exchange").status_code == 403
    assert api.client.post("/console/exchange/imports", content=b"x").status_code == 403
    sign_in(api, Role.EXCHANGE_OPERATOR)
    desk = api.client.get("/console/exchange")
    assert desk.status_code == 200 and 'data-testid="contract-form"' in desk.text


def test_the_registration_form_puts_each_schema_error_beside_its_field(api: Api) -> None:
    sign_in(api, Role.EXCHANGE_OPERATOR)
    token = csrf_of(api.client.get("/console/exchange").text)
    answer = api.client.post("/console/exchange/contracts", data={
        "csrf": token, "contract_number": "HT-1", "title": "节水灌溉技术转让",
        "contract_type": "transfer", "seller_id": "not-an-id", "turnover": "12.345",
        "signed_on": "2026/11/01"})
    assert answer.status_code == 422
    for field, words in (("seller_id", "不是有效的 ID"), ("turnover", "两位小数"),
                         ("signed_on", "YYYY-MM-DD"), ("field", "必填")):
        found = re.search(rf'data-testid="error-{field}">([^<]+)<', answer.text)
        assert found and words in found.group(1), field
    assert 'value="节水灌溉技术转让"' in answer.text  # what was typed stays


def test_the_statistics_page_and_its_csv_need_only_a_session(api: Api) -> None:
    sign_in(api, Role.BANK)
    assert api.client.get("/console/statistics").status_code == 200
    csv = api.client.get("/console/statistics/type.csv")
    assert csv.status_code == 200 and csv.text.lstrip("\ufeff").startswith("key,label,count")
    assert api.client.get("/console/statistics/nonsense.csv").status_code == 404


def test_the_pledge_desk_forms_need_the_bank_role_and_the_session_token(api: Api) -> None:
    forms = ("pledges", "consents", "release")
    sign_in(api, Role.EXCHANGE_OPERATOR)
    assert api.client.get("/console/bank/desk").status_code == 403
    for name in forms:
        assert api.client.post(f"/console/bank/desk/{name}", data={}).status_code == 403
    sign_in(api, Role.BANK)
    desk = api.client.get("/console/bank/desk")
    assert desk.status_code == 200 and "质押登记" in desk.text
    for name in forms:
        answer = api.client.post(f"/console/bank/desk/{name}",
                                 data={"csrf": "forged", "pledge_id": "x"})
        assert answer.status_code == 403, name
        assert f'data-testid="error-{name}"' in answer.text
        assert f'data-testid="done-{name}"' not in answer.text
    token = csrf_of(desk.text)
    answer = api.client.post("/console/bank/desk/release",
                             data={"csrf": token, "pledge_id": "not-an-id"})
    assert answer.status_code == 422 and "pledge_id" in answer.text


def test_post_evaluation_is_for_the_apis_readers_and_its_windows(api: Api) -> None:
    sign_in(api, Role.EXCHANGE_OPERATOR)
    assert api.client.get("/console/integrity/post-evaluation").status_code == 403
    sign_in(api, Role.AUDITOR)
    assert api.client.get("/console/integrity/post-evaluation?window=6").status_code == 200
    answer = api.client.get("/console/integrity/post-evaluation?window=7")
    assert answer.status_code == 422 and "6、12 或 24" in answer.text
