"""The public read API on the demo data set, without a key: every answer carries exactly the
documented allow-list (docs/national-export.md), and no value of any private field appears in
any response body (contract amounts and numbers, people's names, notes, pledges, keys...)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.demo_data import load_demo
from domain.access import Role
from domain.disclosure import DISCLOSURE_2026
from services.ledger import Ledger
from services.national_reader import PUBLIC_OWNER_KEYS, PUBLIC_PATENT_KEYS
from services.settings import Settings
from tests.service.national_private import leaks, private_values

DOC = Path(__file__).parents[2] / "docs" / "national-export.md"
PAGE = 200
# Filters an attacker would try, to make one statistics cell differ from another by a single
# contract; the first is no filter at all.
NARROWING: tuple[dict[str, str], ...] = (
    {}, {"type": "license"}, {"year": "2026"}, {"registered_from": "2026-06-01"},
    {"seller_region": "1306", "field": "新材料"}, {"exchange_id": "x", "group_by": "year"})


def allow_list(name: str) -> set[str]:
    """The field names of one "Public API allow-list" table of the format document."""
    section = DOC.read_text(encoding="utf-8").split(f"### Public API allow-list: `{name}`")[1]
    table = section.split("\n#")[0]
    return set(re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.MULTILINE))


@dataclass
class Crawl:
    bodies: list[str]
    items: dict[str, list[dict[str, Any]]]
    statistics: list[dict[str, Any]]  # whole answers, asked with and without filters


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Crawl, set[str]]]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("public"))
    with Ledger(settings) as ledger:
        load_demo(ledger)
        keys = [ledger.issue_api_key(role, f"demo {role.value}") for role in Role]
        head = ledger.recorder.max_notification_id()
        private = private_values(ledger, *keys)
    with TestClient(create_app(settings)) as client:
        found = Crawl([], {"achievement": [], "contract": [], "contract_statistics": []}, [])

        def get(path: str, **params: Any) -> Any:
            response = client.get(path, params={"wait_for_position": head, **params})
            assert response.status_code == 200, response.text
            found.bodies.append(response.text)
            return response.json()

        for kind, path in (("achievement", "/v1/public/achievements"),
                           ("contract", "/v1/public/contracts")):
            page = 1
            while items := get(path, page=page, page_size=PAGE)["items"]:
                found.items[kind] += items
                for item in items:
                    assert get(f"{path}/{item['id']}") == item
                page += 1
        found.statistics = [get("/v1/public/contracts/statistics", **narrowing)
                            for narrowing in NARROWING]
        found.items["contract_statistics"] = found.statistics[0]["items"]
        yield found, private


def test_every_answer_carries_exactly_the_documented_fields(
        crawl: tuple[Crawl, set[str]]) -> None:
    found, _ = crawl
    assert len(found.items["achievement"]) > 200 and len(found.items["contract"]) > 100
    for kind, items in found.items.items():
        documented = allow_list(kind)
        assert documented, f"no allow-list for {kind} in the document"
        assert all(set(item) == documented for item in items), kind
    for item in found.items["achievement"]:
        for owner in item["owners"]:
            assert set(owner) in ({"kind", "region_code"}, set(PUBLIC_OWNER_KEYS))
            assert (owner["kind"] == "individual") == ("name" not in owner)
        assert all(set(p) == set(PUBLIC_PATENT_KEYS) for p in item["patents"])


def test_no_private_value_appears_in_any_public_answer(crawl: tuple[Crawl, set[str]]) -> None:
    found, private = crawl
    assert len(private) > 500 and any(v.startswith("tl_") or len(v) > 30 for v in private)
    assert len(found.bodies) > 300
    for body in found.bodies:
        assert leaks(body, private) == []


def test_small_statistics_cells_show_counts_only(crawl: tuple[Crawl, set[str]]) -> None:
    found, _ = crawl
    cells = found.items["contract_statistics"]
    minimum = found.statistics[0]["min_contracts_per_cell"]
    assert minimum == DISCLOSURE_2026.min_contracts_per_cell == 3
    assert {c["suppressed"] for c in cells} == {True, False}
    for cell in cells:
        assert (cell["transaction_amount"] is None) == (cell["count"] < minimum)


def test_no_figure_holds_a_suppressed_cell_so_none_is_read_off_by_difference(
        crawl: tuple[Crawl, set[str]]) -> None:
    """[D] (domain/disclosure.py): small-cell suppression holds only while no published figure
    sums a suppressed cell with shown ones (a total, a margin, a narrower or wider filter). So
    the statistics publish the (type, year) cells and nothing that adds them up, and take no
    filter: whatever is asked, the same cells come back."""
    found, _ = crawl
    first = found.statistics[0]
    assert set(first) == {"items", "policy_version", "min_contracts_per_cell", "views_position"}
    assert all(answer == first for answer in found.statistics[1:])
    cells = [(c["type"], c["year"]) for c in first["items"]]
    assert len(cells) == len(set(cells))  # one figure per cell: no overlapping groupings
    suppressed = [c for c in first["items"] if c["suppressed"]]
    assert suppressed and all(c["transaction_amount"] is None for c in suppressed)


@pytest.mark.parametrize(("path", "query"), [
    ("/v1/public/contracts", "page=0"), ("/v1/public/contracts", "page_size=201"),
    ("/v1/public/contracts", "page=1000000000000000000"),  # was an OFFSET overflow, a 500
    ("/v1/public/achievements", "page=1000001"), ("/v1/public/contracts", "type=loan"),
    ("/v1/public/achievements", "region=13"), ("/v1/public/achievements", "q=" + "长" * 101),
    ("/v1/public/achievements", "status=secret"), ("/v1/public/contracts/not-an-id", ""),
])
def test_bad_queries_are_problems(tmp_path: Path, path: str, query: str) -> None:
    with TestClient(create_app(Settings(data_dir=tmp_path))) as client:
        answer = client.get(f"{path}?{query}")
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "invalid_field"


def test_unknown_ids_are_problems_and_no_key_is_needed(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(data_dir=tmp_path))) as client:
        missing = client.get("/v1/public/contracts/00000000-0000-0000-0000-000000000001")
        assert (missing.status_code, missing.json()["code"]) == (404, "contract_not_found")
        assert missing.headers["content-type"] == "application/problem+json"
        empty = client.get("/v1/public/achievements")
        assert (empty.status_code, empty.json()["total"]) == (200, 0)


# Without a key only these answer: the public API, health, the transparency log's signed
# checkpoint, the evaluation policies and agencies' qualifications (no person in
# either). Everything else may name people (owners, completers, experts): keys only.
ANONYMOUS = ("/v1/public/", "/v1/health", "/v1/ledger/checkpoint", "/v1/evaluation-policies",
             "/v1/parties/{agency_id}/qualifications")


def test_without_a_key_only_the_public_paths_answer(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(data_dir=tmp_path))) as client:
        paths = [p for p, ops in client.get("/openapi.json").json()["paths"].items()
                 if "get" in ops]
        assert len(paths) > 60
        for path in paths:
            answer = client.get(re.sub(r"\{[^}]+\}", "00000000-0000-4000-8000-000000000001",
                                       path))
            if path.startswith(ANONYMOUS):
                assert answer.status_code != 401, path
            else:
                assert (answer.status_code, answer.json()["code"]) == (401, "unauthenticated"), \
                    path
