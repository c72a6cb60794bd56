"""Post-evaluation (后评价, Baoding general requirements) over HTTP: the service story of
tests/service/test_post_evaluation.py on SQLite, read by grade, agency, expert and evaluation;
auditors and registrars only; a window other than 6/12/24 months is a 422 problem."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import httpx
import pytest

from api.runtime import Runtime
from domain.access import Role
from services.settings import Settings
from tests.api.test_http import Api
from tests.service.test_evaluation_views import world  # noqa: F401 (fixture)
from tests.service.test_post_evaluation import AS_OF, Story, story  # noqa: F401 (fixture)

BASE = "/v1/post-evaluation"


@pytest.fixture
def runtime(sqlite_settings: Settings) -> Iterator[Runtime]:
    """The story is written before the app starts, on the files the app then serves."""
    rt = Runtime.open(sqlite_settings, follow=False)
    yield rt
    rt.close()


def get(api: Api, path: str, role: Role = Role.AUDITOR, **params: Any) -> httpx.Response:
    response: httpx.Response = api.client.get(
        path, params={"as_of": AS_OF.isoformat(), "wait_for_position": api.head(), **params},
        headers=api.as_(role))
    return response


def test_grades_as_json_and_csv(story: Story, api: Api) -> None:  # noqa: F811
    body = get(api, f"{BASE}/grades").json()
    assert (body["window_months"], body["as_of"]) == (12, "2024-03-20")
    a = next(r for r in body["rows"] if r["grade"] == "A")
    assert (a["observed"], a["not_yet_observable"], a["share_traded"], a["transaction_amount"]) == (
        2, 1, "0.5000", "900000.00")
    assert body["predictor"]["grades"]["C"]["share_traded"] == "0.5000"

    download = get(api, f"{BASE}/grades", Role.REGISTRAR, window_months=6, format="csv")
    assert download.status_code == 200 and download.content.startswith(b"\xef\xbb\xbf")
    assert download.headers["content-disposition"] == (
        'attachment; filename="post-evaluation-grades-6m-2024-03-20.csv"')
    header, *lines = csv.reader(io.StringIO(download.content.decode("utf-8-sig")))
    assert header[:6] == ["grade", "evaluations", "observed", "not_yet_observable", "traded",
                          "share_traded"]
    assert [line[:6] for line in lines] == [
        ["A", "3", "2", "1", "1", "0.5000"], ["B", "1", "1", "0", "1", "1.0000"],
        ["C", "2", "2", "0", "1", "0.5000"], ["cultivation", "1", "1", "0", "0", "0.0000"],
        ["total", "7", "6", "1", "3", "0.5000"]]


def test_agencies_experts_and_one_evaluation(story: Story, api: Api) -> None:  # noqa: F811
    agencies = get(api, f"{BASE}/agencies").json()["rows"]
    assert [(r["agency_name"], r["revoked"]) for r in agencies] == [("第二评价机构", 1),
                                                                    ("评价机构", 0)]
    only = get(api, f"{BASE}/agencies", agency_id=str(story.other_agency)).json()["rows"]
    assert [r["evaluations"] for r in only] == [1]
    experts = get(api, f"{BASE}/experts", format="csv")
    assert experts.status_code == 200 and len(experts.text.splitlines()) == 1 + 5
    by_grade = {r["grade"]: r["evaluations"] for r in get(api, f"{BASE}/grades").json()["rows"]}
    for grade, count in by_grade.items():  # one grade's rows split that grade's evaluations
        rows = get(api, f"{BASE}/agencies", grade=grade).json()["rows"]
        assert sum(r["evaluations"] for r in rows) == count, grade
        assert all(set(r["grades"].values()) - {0} <= {r["evaluations"]} for r in rows)
    bad = get(api, f"{BASE}/experts", grade="Z")
    assert bad.status_code == 422

    one = get(api, f"/v1/evaluations/{story.ev['A1']}/outcomes").json()
    assert [(w["window_months"], w["status"], w["contracts"]) for w in one["windows"]] == [
        (6, "observed", 1), (12, "observed", 2), (24, "not_yet_observable", 2)]
    young = get(api, f"/v1/evaluations/{story.ev['A6']}/outcomes", as_of="2023-10-01")
    assert (young.status_code, young.json()["code"]) == (409, "evaluation_not_finalized")
    missing = get(api, f"/v1/evaluations/{uuid4()}/outcomes")
    assert (missing.status_code, missing.json()["code"]) == (404, "evaluation_not_found")


def test_roles_and_bad_windows_are_problems(story: Story, api: Api) -> None:  # noqa: F811
    bad = get(api, f"{BASE}/grades", window_months=7)
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    assert bad.json()["code"] == "invalid_field"
    assert get(api, f"{BASE}/experts", window_months="twelve").status_code == 422
    assert get(api, f"{BASE}/agencies", Role.BANK).json()["code"] == "forbidden"
    anonymous = api.client.get(f"{BASE}/grades")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "unauthenticated")
    assert get(api, f"{BASE}/grades", Role.ADMIN).status_code == 200
