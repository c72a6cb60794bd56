"""Evaluation over HTTP: the Hefei process step by step, the library, and bad input refused
with problem+json and nothing written."""

from __future__ import annotations

from typing import Any

import pytest

from domain.access import Role
from domain.evaluation_policy import HEFEI_2022
from tests.api.test_http import Api, achievement_body, party_body
from tests.factories import credit_code

DAY = "2023-03-01"
EXPERT_TYPES = ("technical", "industry", "investment", "market")


def post(api: Api, path: str, body: dict[str, Any], role: Role = Role.REGISTRAR,
         status: int = 201) -> dict[str, Any]:
    response = api.client.post(path, json=body, headers=api.as_(role))
    assert response.status_code == status, response.text
    data: dict[str, Any] = response.json()
    return data


def sheet(value: str) -> dict[str, str]:
    return dict.fromkeys(HEFEI_2022.indicator_keys, value)


class Story:
    """A university achievement, a qualified agency and a full panel, all over HTTP."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.owner = post(api, "/v1/parties", party_body(1))["id"]
        self.achievement = post(api, "/v1/achievements", {
            **achievement_body(self.owner), "effective_date": "2023-01-10"})["id"]
        self.agency = post(api, "/v1/parties", {
            "name": "冀中科技评价中心", "kind": "evaluation_agency", "credit_code": credit_code(2),
            "region_code": "130600"})["id"]
        post(api, f"/v1/parties/{self.agency}/qualifications", {
            "scope": ["transferable"], "issuer": "保定市科学技术局", "certificate_no": "BDPJ-001",
            "valid_from": "2022-01-01", "valid_to": "2025-12-31"}, status=200)
        self.experts = [post(api, "/v1/parties", {"name": f"专家{n}", "kind": "individual",
                                                  "expert_type": t})["id"]
                        for n, t in enumerate(EXPERT_TYPES)]

    def commission(self) -> str:
        return str(post(self.api, "/v1/evaluations", {
            "evaluation_class": "transferable", "subject_id": self.achievement,
            "commissioner_id": self.owner, "evaluator_id": self.agency, "effective_date": DAY},
            role=Role.EVALUATION_AGENCY)["id"])

    def step(self, evaluation: str, name: str, body: dict[str, Any] | None = None,
             status: int = 200) -> dict[str, Any]:
        return post(self.api, f"/v1/evaluations/{evaluation}/{name}",
                    {"effective_date": DAY, **(body or {})}, Role.EVALUATION_AGENCY, status)

    def up_to_panel(self) -> str:
        evaluation = self.commission()
        self.step(evaluation, "plan", {"forms": ["on_site", "market_test"],
                                       "policy_version": "HF-2022"})
        self.step(evaluation, "panel", {"member_ids": self.experts})
        return evaluation


@pytest.fixture
def story(api: Api) -> Story:
    return Story(api)


def test_hefei_process_over_http_reaches_the_library_with_grade_b(api: Api, story: Story) -> None:
    evaluation = story.up_to_panel()
    for expert, value in zip(story.experts, ("86", "88", "90", "84"), strict=True):
        story.step(evaluation, "scores", {"expert_id": expert, "scores": sheet(value)})
    story.step(evaluation, "review")
    story.step(evaluation, "publicity")
    done = story.step(evaluation, "finalization", {"effective_date": "2023-03-08"})

    found = api.client.get(f"/v1/evaluations/{evaluation}", headers=api.as_(Role.AUDITOR),
                           params={"wait_for_position": done["position"]}).json()
    assert (found["status"], found["total"], found["grade"]) == ("finalized", "87.00", "B")
    library = api.client.get("/v1/library", params={"grade": "B"},
                             headers=api.as_(Role.BANK)).json()
    assert [row["achievement_id"] for row in library["items"]] == [story.achievement]
    assert library["items"][0]["support_tier"] == "bonus_points"
    assert library["items"][0]["company_deadline"] == "2023-09-08"
    page = api.client.get(f"/v1/achievements/{story.achievement}",
                          headers=api.as_(Role.BANK)).json()
    assert page["library"]["grade"] == "B"
    assert [x["id"] for x in page["evaluations"]] == [evaluation]
    history = api.client.get(f"/v1/evaluations/{evaluation}/history",
                             headers=api.as_(Role.AUDITOR)).json()
    assert [h["event_type"] for h in history][-3:] == [
        "Evaluation.Reviewed", "Evaluation.Publicized", "Evaluation.Finalized"]


@pytest.mark.parametrize(("mutate", "status", "code"), [
    (lambda s, e: {"expert_id": e, "scores": sheet("101")}, 422, "invalid_field"),
    (lambda s, e: {"expert_id": e, "scores": sheet("-1")}, 422, "invalid_field"),
    (lambda s, e: {"expert_id": e, "scores": dict.fromkeys(HEFEI_2022.indicator_keys[1:], "80")},
     422, "invalid_input"),
    (lambda s, e: {"expert_id": "5f2b6a7e-0000-4000-8000-000000000000", "scores": sheet("80")},
     404, "party_not_found"),
])
def test_bad_score_sheets_are_refused_and_write_nothing(
        api: Api, story: Story, mutate: Any, status: int, code: str) -> None:
    evaluation = story.up_to_panel()
    before = api.head()
    response = api.client.post(f"/v1/evaluations/{evaluation}/scores",
                               json={"effective_date": DAY, **mutate(story, story.experts[0])},
                               headers=api.as_(Role.EVALUATION_AGENCY))
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response.headers["content-type"].startswith("application/problem+json")
    assert api.head() == before


def test_duplicate_expert_unknown_expert_and_steps_on_revoked(api: Api, story: Story) -> None:
    evaluation = story.commission()
    story.step(evaluation, "plan", {"forms": ["on_site"], "policy_version": "HF-2022"})
    before = api.head()
    twice = story.step(evaluation, "panel", {"member_ids": [*story.experts, story.experts[0]]},
                       status=422)
    assert twice["code"] == "invalid_input"
    unknown = story.step(evaluation, "panel", {
        "member_ids": [*story.experts, "5f2b6a7e-0000-4000-8000-000000000001"]}, status=404)
    assert unknown["code"] == "expert_not_found"
    out_of_order = story.step(evaluation, "review", status=409)
    assert out_of_order["code"] == "evaluation_step_out_of_order"
    assert api.head() == before

    post(api, f"/v1/evaluations/{evaluation}/revocation", {
        "reason": "评价中弄虚作假", "decision_ref": "保科诚〔2023〕1号"}, Role.AUDITOR, 200)
    after_revocation = api.head()
    refused = story.step(evaluation, "panel", {"member_ids": story.experts}, status=409)
    assert refused["code"] == "evaluation_revoked"
    assert api.head() == after_revocation


def test_roles_and_policy_publication(api: Api, story: Story) -> None:
    denied = api.client.post("/v1/evaluations", json={
        "evaluation_class": "transferable", "subject_id": story.achievement,
        "commissioner_id": story.owner, "evaluator_id": story.agency},
        headers=api.as_(Role.BANK))
    assert (denied.status_code, denied.json()["code"]) == (403, "forbidden")
    indicators = [{"key": i.key, "name_zh": i.name_zh, "weight": i.weight}
                  for i in HEFEI_2022.indicators]
    policy: dict[str, Any] = {"version": "HF-2024", "source": "续行", "publicity_days": 7,
              "effective_from": "2024-06-05", "effective_to": "2026-06-04",
              "thresholds": {"A": "95", "B": "85", "C": "80"},
              "indicators": indicators}
    bad = {**policy, "indicators": [{**indicators[0], "weight": 14}, *indicators[1:]]}
    refused = post(api, "/v1/evaluation-policies", bad, Role.ADMIN, 422)
    assert refused["code"] == "invalid_input" and "99" in refused["detail"]
    published = post(api, "/v1/evaluation-policies", policy, Role.ADMIN)
    versions = [p["version"] for p in api.client.get("/v1/evaluation-policies", params={
        "wait_for_position": published["position"]}).json()]
    assert versions.count("HF-2024") == 1 and "HF-2022" in versions
