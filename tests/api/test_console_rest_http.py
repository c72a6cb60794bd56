"""The console's registry filters, post-evaluation (后评价) desk and statistics page on the demo
data set, in process: every figure equals the API's; and its session cookie is sealed (AES-GCM)
so that the API key cannot be read from it and a changed, cut or foreign cookie is no session."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.console.pages_statistics import figures, jjj_flows, summaries
from api.console.session import COOKIE, Sealer, Session
from api.demo_data import load_demo
from api.runtime import Runtime
from domain.access import Role
from projections.post_evaluation import GRADES
from projections.store import Row, Tx
from services.ledger import Ledger
from services.settings import Settings
from tests.api.test_console_http import sign_in
from tests.api.test_http import Api

SECRET = "console-rest-test-secret-4f1c9a"
PE = "/console/integrity/post-evaluation"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The demo data set behind one app (module-wide: loading it takes seconds)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("console-rest"), group_commit=False,
                        console_secret=SECRET)
    with Ledger(settings) as ledger:
        load_demo(ledger)
        keys = {role: ledger.issue_api_key(role, f"test {role.value}") for role in Role}
        head = int(ledger.recorder.max_notification_id() or 0)
    with TestClient(create_app(settings)) as client:
        api = Api(client, keys)
        caught_up = client.get("/v1/integrity/blacklist", headers=api.as_(Role.AUDITOR),
                               params={"wait_for_position": head})
        assert caught_up.status_code == 200, caught_up.text
        yield api


@pytest.fixture
def api(demo: Api) -> Api:
    demo.client.cookies.clear()
    return demo


def json_of(api: Api, path: str, **params: str) -> Any:
    """The API's answer, asked by an auditor (who may read all of it)."""
    answer = api.client.get(path, params=params, headers=api.as_(Role.AUDITOR))
    assert answer.status_code == 200, answer.text
    return answer.json()


# ------------------------------------------------------------------ registry filters


def shown_ids(html: str) -> list[str]:
    return re.findall(r'<tr data-id="([0-9a-f-]{36})">', html)


def shown_total(html: str) -> int:
    found = re.search(r'data-testid="total">共 (\d+) 条<', html)
    assert found, "no result count on the page"
    return int(found.group(1))


def console_search(api: Api, **params: str) -> tuple[int, list[str]]:
    answer = api.client.get("/console/achievements", params=params)
    assert answer.status_code == 200, answer.text
    return shown_total(answer.text), shown_ids(answer.text)


def api_search(api: Api, **params: str) -> tuple[int, list[str]]:
    found = json_of(api, "/v1/achievements", page_size="20", **{
        ("hefei_subtype" if k == "subtype" else k): v for k, v in params.items()})
    return found["total"], [a["id"] for a in found["items"]]


ASKED = [{"field": "电子信息"}, {"region": "130000"}, {"region": "130600"},
         {"subtype": "applied_research"}, {"subtype": "development_industrialization"},
         {"field": "新材料", "region": "130000", "category": "applied_technology"},
         {"q": "检测", "region": "130600", "status": "registered"},
         {"field": "生物医药", "subtype": "applied_research", "status": "registered"}]


@pytest.mark.parametrize("asked", ASKED, ids=lambda a: "&".join(f"{k}={v}" for k, v in a.items()))
def test_registry_filters_find_what_the_api_finds(api: Api, asked: dict[str, str]) -> None:
    sign_in(api, Role.REGISTRAR)
    everything, _ = console_search(api)
    total, ids = console_search(api, **asked)
    assert (total, ids) == api_search(api, **asked)
    assert 0 < total < everything, "the filter should narrow the demo's registry"


def test_a_province_finds_its_cities_and_a_bad_code_is_explained(api: Api) -> None:
    sign_in(api, Role.REGISTRAR)
    hebei, baoding = (console_search(api, region=code) for code in ("130000", "130600"))
    assert hebei[0] > baoding[0] > 0
    every_hebei = json_of(api, "/v1/achievements", region="130000", page_size="200")["items"]
    assert set(baoding[1]) <= {a["id"] for a in every_hebei}
    bad = api.client.get("/console/achievements", params={"region": "13"})
    assert bad.status_code == 422 and "6 位数字" in bad.text
    assert api.client.get("/v1/achievements", params={"region": "13"},
                          headers=api.as_(Role.REGISTRAR)).status_code == 422


# ------------------------------------------------------------------ post-evaluation


def cells(html: str, key: str) -> dict[str, str]:
    """The figures a row shows: data-testid "<key>-<column>" → text."""
    return {m.group(1): m.group(2) for m in re.finditer(
        rf'data-testid="{re.escape(key)}-([a-z_]+)">([^<]*)<', html)}


def as_shown(row: Row, columns: set[str]) -> dict[str, str]:
    return {c: "—" if row[c] is None else str(row[c]) for c in columns}


def pe_page(api: Api, **params: str) -> str:
    answer = api.client.get(PE, params=params)
    assert answer.status_code == 200, answer.text
    return answer.text


def assert_tables_equal(api: Api, html: str, **params: str) -> None:
    grades = json_of(api, "/v1/post-evaluation/grades", **params)
    keyed = [(f"g-{r['grade']}", r) for r in grades["rows"]] + [("g-total", grades["totals"])]
    keyed += [(f"a-{r['agency_id']}", r)
              for r in json_of(api, "/v1/post-evaluation/agencies", **params)["rows"]]
    experts = json_of(api, "/v1/post-evaluation/experts", **params)["rows"]
    keyed += [(f"e-{r['expert_id']}", r) for r in experts]
    assert experts, "the demo has no expert on a finalized evaluation"
    for key, row in keyed:
        on_page = cells(html, key)
        assert on_page and on_page == as_shown(row, set(on_page)), key
    assert len(re.findall(r'<tr data-expert="', html)) == len(experts)


def test_post_evaluation_tables_equal_the_apis(api: Api) -> None:
    as_of = json_of(api, "/v1/post-evaluation/grades")["as_of"]
    sign_in(api, Role.AUDITOR)
    html = pe_page(api, window="24", as_of=as_of)
    assert_tables_equal(api, html, window_months="24", as_of=as_of)
    agency = json_of(api, "/v1/post-evaluation/agencies", as_of=as_of)["rows"][0]["agency_id"]
    narrowed = pe_page(api, window="6", as_of=as_of, agency=agency)
    assert_tables_equal(api, narrowed, window_months="6", as_of=as_of, agency_id=agency)
    assert re.findall(r'<tr data-agency="([^"]+)"', narrowed) == [agency]
    policies = re.findall(r'<option value="([^"]+)"[^>]*>\1</option>', narrowed.split(
        'name="policy"')[1].split("</select>")[0])
    assert policies, "no policy version offered"
    by_policy = pe_page(api, window="12", as_of=as_of, policy=policies[0],
                        evaluation_class="transferable")
    assert_tables_equal(api, by_policy, window_months="12", as_of=as_of,
                        policy_version=policies[0], evaluation_class="transferable")


@pytest.mark.parametrize("table", ["grades", "agencies", "experts"])
def test_each_table_downloads_as_the_apis_csv(api: Api, table: str) -> None:
    as_of = json_of(api, "/v1/post-evaluation/grades")["as_of"]
    agency = json_of(api, "/v1/post-evaluation/agencies", as_of=as_of)["rows"][0]["agency_id"]
    sign_in(api, Role.REGISTRAR)
    for ours, theirs in (({}, {}), ({"agency": agency}, {"agency_id": agency}),
                         ({"evaluation_class": "transferable"},
                          {"evaluation_class": "transferable"})):
        mine = api.client.get(f"{PE}/{table}.csv", params={"window": "12", "as_of": as_of, **ours})
        official = api.client.get(f"/v1/post-evaluation/{table}", headers=api.as_(Role.REGISTRAR),
                                  params={"format": "csv", "as_of": as_of, **theirs})
        assert mine.status_code == official.status_code == 200
        assert mine.content == official.content and mine.content.startswith(b"\xef\xbb\xbf")
        assert mine.headers["content-disposition"] == official.headers["content-disposition"]


def test_a_grade_narrows_every_table_to_its_evaluations(api: Api) -> None:
    as_of = json_of(api, "/v1/post-evaluation/grades")["as_of"]
    grades = json_of(api, "/v1/post-evaluation/grades", window_months="24", as_of=as_of)
    agencies = json_of(api, "/v1/post-evaluation/agencies", window_months="24", as_of=as_of)
    sign_in(api, Role.AUDITOR)
    graded = 0
    for grade in GRADES:
        html = pe_page(api, window="24", as_of=as_of, grade=grade)
        row = next(r for r in grades["rows"] if r["grade"] == grade)
        assert re.findall(r'<tr data-grade="([^"]+)"', html) == [grade, "total"]
        assert cells(html, f"g-{grade}") == cells(html, "g-total") == as_shown(
            row, set(cells(html, "g-total")))
        for agency in agencies["rows"]:
            mine = cells(html, f"a-{agency['agency_id']}")
            assert mine.get("evaluations", "0") == str(agency["grades"][grade])
            assert mine.get("revoked", "0") == str(agency["revoked_grades"].get(grade, 0))
        graded += len(re.findall(r'<tr data-expert="', html))
    assert graded > 0
    csv = api.client.get(f"{PE}/experts.csv", params={"as_of": as_of, "grade": "A"})
    assert csv.headers["content-disposition"].endswith(f'{as_of}-grade-A.csv"')


def test_bad_questions_and_roles(api: Api) -> None:
    sign_in(api, Role.AUDITOR)
    for params, words in (({"window": "7"}, "6、12 或 24"), ({"grade": "Z"}, "等级应为"),
                          ({"agency": "nope"}, "评价机构 ID 无效"),
                          ({"evaluation_class": "x"}, "评价类别无效")):
        answer = api.client.get(PE, params=params)
        assert answer.status_code == 422 and words in answer.text, params
    assert api.client.get(f"{PE}/ranking.csv").status_code == 404
    sign_in(api, Role.BANK)
    assert api.client.get(f"{PE}/grades.csv").status_code == 403


# ------------------------------------------------------------------ statistics: one read


class Counting:
    """The real view transaction, counting the statements that read the contracts."""

    def __init__(self, tx: Tx) -> None:
        self.tx, self.contract_reads = tx, 0

    def execute(self, sql: str, params: Any = ()) -> list[Row]:
        self.contract_reads += "FROM contracts" in sql
        return self.tx.execute(sql, params)

    def executemany(self, sql: str, rows: Any) -> None:
        raise AssertionError("a page must not write")


def test_the_statistics_page_reads_the_contracts_once(api: Api) -> None:
    runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    assert isinstance(runtime, Runtime)
    with runtime.views.read() as tx:
        before, after = Counting(tx), Counting(tx)
        each_alone = (summaries(before), jjj_flows(before))
        assert figures(after) == each_alone
    assert (before.contract_reads, after.contract_reads) == (4, 1)
    assert each_alone[0]["type"]["totals"]["count"] > 0
    sign_in(api, Role.BANK)
    assert api.client.get("/console/statistics").status_code == 200


# ------------------------------------------------------------------ the session cookie


def signed_in_cookie(api: Api, role: Role) -> str:
    api.client.cookies.clear()
    sign_in(api, role)
    return str(api.client.cookies[COOKIE])


def is_signed_in(api: Api, cookie: str) -> bool:
    api.client.cookies.clear()
    api.client.cookies.set(COOKIE, cookie, path="/console")
    answer = api.client.get("/console", follow_redirects=False)
    assert answer.status_code in (200, 303)
    return answer.status_code == 200


def test_the_cookie_does_not_hold_the_key_readably(api: Api) -> None:
    key = api.keys[Role.BANK]
    cookie = signed_in_cookie(api, Role.BANK)
    assert is_signed_in(api, cookie)
    decoded = [base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
               for part in cookie.split(".")]
    assert key not in cookie and all(key.encode() not in d for d in decoded)
    assert base64.b64encode(key.encode()).decode()[:16] not in cookie
    assert len({signed_in_cookie(api, Role.BANK) for _ in range(3)}) == 3  # a fresh nonce each


def test_changed_cut_foreign_and_old_cookies_are_no_session(api: Api) -> None:
    cookie = signed_in_cookie(api, Role.AUDITOR)
    flip = "A" if cookie[20] != "A" else "B"
    session = Session.fresh().signed_in(api.keys[Role.AUDITOR])
    old_payload = base64.urlsafe_b64encode(orjson.dumps(
        {"csrf": session.csrf, "lang": "zh", "key": session.key})).decode()
    old_mac = base64.urlsafe_b64encode(hmac.new(SECRET.encode(), old_payload.encode(),
                                                hashlib.sha256).digest()).decode().rstrip("=")
    refused = {"changed": cookie[:20] + flip + cookie[21:], "cut": cookie[:-4],
               "tag only": cookie.split(".")[0] + ".", "foreign": Sealer("another").dumps(session),
               "old signed-only": f"{old_payload}.{old_mac}", "junk": "s2.%%%"}
    for name, value in refused.items():
        assert not is_signed_in(api, value), name
    assert is_signed_in(api, Sealer(SECRET).dumps(session)), "the same secret opens it"
    assert is_signed_in(api, cookie)


def test_sessions_survive_a_restart_with_the_same_secret(api: Api) -> None:
    cookie = signed_in_cookie(api, Role.REGISTRAR)
    restarted = Sealer(SECRET).loads(cookie)
    assert restarted is not None and restarted.key == api.keys[Role.REGISTRAR]
    assert Sealer(None).loads(cookie) is None  # no secret set: a random one per process


def test_the_new_words_have_english(api: Api) -> None:
    sign_in(api, Role.AUDITOR)
    api.client.get("/console/lang/en?next=/console")
    registry = api.client.get("/console/achievements").text
    assert all(w in registry for w in ("Technical field", "Transferable subtype", "Applied research"))
    desk = api.client.get(PE, params={"window": "24"}).text
    assert all(w in desk for w in ("By expert", "Policy version", "Mean own sheet total"))
    assert not re.search(r">(expert_type_|class_|subtype_)[a-z_]+<", registry + desk)
