"""The HTTP API: roles, problem+json for every kind of bad input, nothing written on refusal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from domain.access import Role
from services.ledger import Ledger
from services.settings import Settings
from tests.factories import credit_code


class Api:
    """A client of the API (in process, or a real server: tests/integration) and a key per role."""

    def __init__(self, client: httpx.Client, keys: dict[Role, str]) -> None:
        self.client = client
        self.keys = keys

    def as_(self, role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}

    def head(self) -> int:
        return int(self.client.get("/v1/health").json()["ledger_position"])


@contextmanager
def api_on(settings: Settings) -> Iterator[Api]:
    """The app in process on `settings`, with a key per role."""
    with Ledger(settings) as ledger:
        keys = {role: ledger.issue_api_key(role, f"test {role.value}") for role in Role}
    with TestClient(create_app(settings)) as client:
        yield Api(client, keys)


@pytest.fixture
def api(sqlite_settings: Settings) -> Iterator[Api]:
    with api_on(sqlite_settings.model_copy(update={"max_body_bytes": 20_000})) as opened:
        yield opened


def party_body(serial: int = 1) -> dict[str, Any]:
    return {"name": "河北农业大学", "kind": "university", "credit_code": credit_code(serial),
            "region_code": "130600"}


def achievement_body(owner: str, title: str = "一种节水灌溉装置") -> dict[str, Any]:
    return {"registry_code": "1306", "title": title, "category": "applied_technology",
            "hefei_subtype": "development_industrialization", "forms": ["prototype"],
            "owner_ids": [owner], "completers": [{"name": "李娜"}], "field": "现代农业",
            "keywords": ["节水", "灌溉"], "funding": {"fiscal": False}, "maturity_stage": "pilot",
            "trl": 6}


def make_owner(api: Api) -> str:
    response = api.client.post("/v1/parties", json=party_body(), headers=api.as_(Role.REGISTRAR))
    assert response.status_code == 201
    return str(response.json()["id"])


def test_register_then_read_your_write_and_history(api: Api) -> None:
    owner = make_owner(api)
    created = api.client.post("/v1/achievements", json=achievement_body(owner),
                              headers={**api.as_(Role.REGISTRAR), "Idempotency-Key": "a-1"})
    assert created.status_code == 201
    written = created.json()
    assert created.headers["Location"] == f"/v1/achievements/{written['id']}"
    found = api.client.get("/v1/achievements", headers=api.as_(Role.BANK), params={
        "q": "灌溉", "region": "130000", "wait_for_position": written["position"]}).json()
    assert [item["registration_number"] for item in found["items"]] == [
        written["registration_number"]]
    history = api.client.get(f"/v1/achievements/{written['id']}/history",
                             headers=api.as_(Role.AUDITOR)).json()
    assert [(h["event_type"], h["position"]) for h in history] == [
        ("Achievement.Registered", written["position"])]
    assert history[0]["actor"] == "registrar:test registrar"
    again = api.client.post("/v1/achievements", json=achievement_body(owner),
                            headers={**api.as_(Role.REGISTRAR), "Idempotency-Key": "a-1"})
    assert again.json()["replayed"] is True
    assert again.json()["id"] == written["id"]


@pytest.mark.parametrize(("headers", "status", "code"), [
    ({}, 401, "unauthenticated"),
    ({"Authorization": "Bearer tl_not-a-key"}, 401, "invalid_api_key"),
    ("bank", 403, "forbidden"),
])
def test_writes_need_an_admitted_role(api: Api, headers: Any, status: int, code: str) -> None:
    if headers == "bank":
        headers = api.as_(Role.BANK)
    before = api.head()
    response = api.client.post("/v1/parties", json=party_body(), headers=headers)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response.headers["content-type"] == "application/problem+json"
    assert api.head() == before


def bad_requests(owner: str) -> list[tuple[str, Any, int, str]]:
    body = achievement_body(owner)
    return [
        ("malformed", b'{"title": ', 400, "malformed_json"),
        ("unknown field", {**body, "colour": "red"}, 422, "unknown_field"),
        ("wrong type", {**body, "trl": "6"}, 422, "invalid_field"),
        ("missing field", {k: v for k, v in body.items() if k != "title"}, 422, "missing_field"),
        ("oversized", {**body, "summary": "长" * 30_000}, 413, "body_too_large"),
        ("unknown owner", {**body, "owner_ids": ["00000000-0000-0000-0000-000000000001"]}, 404,
         "party_not_found"),
        ("defence work", {**body, "defence_related": True}, 409, "classified_work_refused"),
        ("bad patent", {**body, "patents": [{"number": "ZL201710601862.4", "kind": "invention",
                                             "title": "x"}]}, 422, "invalid_patent_number"),
        ("forms of other subtype", {**body, "forms": ["sample"]}, 422, "invalid_input"),
    ]


def test_bad_input_gets_a_clear_problem_and_writes_nothing(api: Api) -> None:
    owner = make_owner(api)
    headers = {**api.as_(Role.REGISTRAR), "Content-Type": "application/json"}
    before = api.head()
    for name, body, status, code in bad_requests(owner):
        content = body if isinstance(body, bytes) else api.client.build_request(
            "POST", "/", json=body).content
        response = api.client.post("/v1/achievements", content=content, headers=headers)
        problem = response.json()
        assert (response.status_code, problem["code"]) == (status, code), name
        assert problem["status"] == status and " / " in problem["title"], name
    assert api.head() == before


def test_duplicates_are_conflicts(api: Api) -> None:
    owner = make_owner(api)
    first = api.client.post("/v1/achievements", json=achievement_body(owner),
                            headers=api.as_(Role.REGISTRAR))
    assert first.status_code == 201
    second = api.client.post("/v1/achievements", json=achievement_body(owner),
                             headers=api.as_(Role.REGISTRAR))
    assert (second.status_code, second.json()["code"]) == (409, "achievement_already_registered")
    party = api.client.post("/v1/parties", json=party_body(), headers=api.as_(Role.REGISTRAR))
    assert (party.status_code, party.json()["code"]) == (409, "party_already_registered")


def test_unknown_ids_are_404(api: Api) -> None:
    missing = "00000000-0000-0000-0000-000000000009"
    answer = api.client.get(f"/v1/achievements/{missing}", headers=api.as_(Role.BANK))
    assert answer.json()["code"] == "achievement_not_found"
    response = api.client.post(f"/v1/projects/{missing}/approval",
                               json={"approved_amount": "1.00"}, headers=api.as_(Role.ADMIN))
    assert (response.status_code, response.json()["code"]) == (404, "project_not_found")


def test_relations_are_private_to_admitted_roles(api: Api) -> None:
    owner = make_owner(api)
    expert = api.client.post("/v1/parties", json={
        "name": "王芳", "kind": "individual", "expert_type": "technical",
        "affiliation_id": owner}, headers=api.as_(Role.REGISTRAR)).json()
    declared = api.client.post(f"/v1/parties/{expert['id']}/relations", json={
        "party_id": owner, "kind": "employment"}, headers=api.as_(Role.REGISTRAR)).json()
    wait = {"wait_for_position": declared["position"]}
    bank = api.client.get(f"/v1/parties/{expert['id']}", params=wait,
                          headers=api.as_(Role.BANK)).json()
    audited = api.client.get(f"/v1/parties/{expert['id']}", params=wait,
                             headers=api.as_(Role.AUDITOR)).json()
    assert bank["relations"] is None
    anonymous = api.client.get(f"/v1/parties/{expert['id']}")  # a person's name: keys only
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "unauthenticated")
    assert audited["relations"] == [{"party_id": owner, "kind": "employment", "note": ""}]


def test_openapi_docs_are_served(api: Api) -> None:
    assert api.client.get("/docs").status_code == 200
    assert "/v1/achievements" in api.client.get("/openapi.json").json()["paths"]
