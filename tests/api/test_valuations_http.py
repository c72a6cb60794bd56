"""Valuations over HTTP and what a bank sees when reviewing a pledge: recording, replay,
withdrawal, history, the review (latest finalized grade, latest valuation), roles, and bad input
refused with problem+json and nothing written."""

from __future__ import annotations

from typing import Any

import pytest

from domain.access import Role
from tests.api.test_evaluations_http import Story, sheet
from tests.api.test_http import Api
from tests.api.test_trades_http import call, get
from tests.factories import credit_code

NUMBER = "中诚评报字〔2023〕第0101号"
MISSING = "00000000-0000-4000-8000-000000000000"


class Lending(Story):
    """The evaluation story's achievement, finalized with grade B, an appraisal firm and a bank."""

    def __init__(self, api: Api) -> None:
        super().__init__(api)
        evaluation = self.up_to_panel()
        for expert, value in zip(self.experts, ("86", "88", "90", "84"), strict=True):
            self.step(evaluation, "scores", {"expert_id": expert, "scores": sheet(value)})
        self.step(evaluation, "review")
        self.step(evaluation, "publicity")
        self.step(evaluation, "finalization", {"effective_date": "2023-03-08"})
        self.evaluation = evaluation
        self.firm = self.org("保定中诚资产评估有限公司", "enterprise", 5)
        self.bank = self.org("保定银行", "bank", 6)
        self.path = f"/v1/achievements/{self.achievement}/valuations"

    def org(self, name: str, kind: str, serial: int) -> str:
        return str(call(self.api, "/v1/parties", {"name": name, "kind": kind, "region_code":
                        "130600", "credit_code": credit_code(serial)})["id"])

    def valuation(self, **changes: Any) -> dict[str, Any]:
        return {"appraiser_id": self.firm, "report_number": NUMBER, "method": "income",
                "value": "3200000.00", "base_date": "2023-05-31", "purpose": "质押融资",
                "effective_date": "2023-06-10", **changes}


@pytest.fixture
def lending(api: Api) -> Lending:
    return Lending(api)


def test_a_bank_records_a_valuation_and_reviews_the_pledge(api: Api, lending: Lending) -> None:
    created = api.client.post(lending.path, json=lending.valuation(), headers=api.as_(Role.BANK))
    assert created.status_code == 201, created.text
    vid = created.json()["id"]
    assert created.headers["Location"] == f"/v1/valuations/{vid}"
    assert call(api, lending.path, lending.valuation(), Role.BANK)["replayed"] is True
    taken = call(api, lending.path, lending.valuation(value="3300000.00"), Role.BANK, 409)
    assert taken["code"] == "valuation_report_taken"

    newer = call(api, lending.path, lending.valuation(report_number="R-2", method="market",
                 base_date="2023-06-05"), Role.EXCHANGE_OPERATOR)["id"]
    done = call(api, f"/v1/valuations/{newer}/withdrawal", {"reason": "报告引用数据有误",
                "effective_date": "2023-06-20"}, Role.AUDITOR, 200)
    again = call(api, f"/v1/valuations/{newer}/withdrawal", {"reason": "x"}, Role.AUDITOR, 409)
    assert again["code"] == "valuation_already_withdrawn"
    history = get(api, lending.path, Role.BANK, wait_for_position=done["position"])
    assert [(r["valuation_id"], r["withdrawn"]) for r in history["items"]] == [
        (newer, True), (vid, False)]
    one = get(api, f"/v1/valuations/{vid}", Role.REGISTRAR)
    assert (one["method"], one["value"], one["valid_until"], one["appraiser_name"]) == (
        "income", "3200000.00", "2024-05-30", "保定中诚资产评估有限公司")

    pledge = call(api, "/v1/pledges", {
        "pledgor_id": lending.owner, "pledgee_id": lending.bank, "debtor_id": lending.owner,
        "items": [{"achievement_id": lending.achievement}], "secured_amount": "1000000.00",
        "loan_start": "2023-07-01", "loan_end": "2024-06-30"}, Role.BANK)
    row = get(api, f"/v1/pledges/{pledge['id']}", Role.BANK, as_of="2023-07-01",
              wait_for_position=pledge["position"])
    [review] = row["review"]
    assert (review["achievement_id"], review["status"]) == (lending.achievement, "registered")
    assert {k: review["evaluation"][k] for k in ("evaluation_id", "grade", "total",
                                                 "finalized_on", "policy_version")} == {
        "evaluation_id": lending.evaluation, "grade": "B", "total": "87.00",
        "finalized_on": "2023-03-08", "policy_version": "HF-2022"}
    assert (review["valuation"]["valuation_id"], review["valuation"]["expired"]) == (vid, False)
    later = get(api, f"/v1/achievements/{lending.achievement}/pledge-review", Role.BANK,
                as_of="2024-06-01")
    assert (later["valuation"]["valuation_id"], later["valuation"]["expired"]) == (vid, True)
    early = get(api, f"/v1/achievements/{lending.achievement}/pledge-review", Role.AUDITOR,
                as_of="2023-03-07")
    assert (early["evaluation"], early["valuation"]) == (None, None)


def bad_bodies(m: Lending) -> list[tuple[str, str, Any, int, str]]:
    return [
        ("zero value", m.path, m.valuation(value="0.00"), 422, "invalid_field"),
        ("three decimals", m.path, m.valuation(value="1.005"), 422, "invalid_field"),
        ("unknown method", m.path, m.valuation(method="guess"), 422, "invalid_field"),
        ("unknown field", m.path, {**m.valuation(), "rate": "1"}, 422, "unknown_field"),
        ("missing base date", m.path, {k: x for k, x in m.valuation().items()
                                       if k != "base_date"}, 422, "missing_field"),
        ("base date after recording", m.path, m.valuation(base_date="2023-06-11"), 422,
         "invalid_input"),
        ("longer than a year", m.path, m.valuation(valid_until="2024-05-31"), 422,
         "invalid_input"),
        ("a bank is no appraiser", m.path, m.valuation(appraiser_id=m.bank), 409,
         "wrong_party_kind"),
        ("unknown appraiser", m.path, m.valuation(appraiser_id=MISSING), 404, "party_not_found"),
        ("unknown achievement", f"/v1/achievements/{MISSING}/valuations", m.valuation(), 404,
         "achievement_not_found"),
        ("unknown valuation", f"/v1/valuations/{MISSING}/withdrawal", {"reason": "x"}, 404,
         "valuation_not_found"),
        ("no reason", f"/v1/valuations/{MISSING}/withdrawal", {}, 422, "missing_field"),
    ]


def test_bad_input_and_roles_are_refused_and_write_nothing(api: Api, lending: Lending) -> None:
    before = api.head()
    for name, path, body, status, code in bad_bodies(lending):
        response = api.client.post(path, json=body, headers=api.as_(Role.REGISTRAR))
        assert (response.status_code, response.json()["code"]) == (status, code), name
        assert response.headers["content-type"].startswith("application/problem+json")
    for role in (Role.EVALUATION_AGENCY, Role.AUDITOR):  # an auditor withdraws, never records
        assert call(api, lending.path, lending.valuation(), role, 403)["code"] == "forbidden"
    assert call(api, lending.path, lending.valuation(), None, 401)["code"] == "unauthenticated"
    assert api.head() == before
    for path in (lending.path, f"/v1/achievements/{lending.achievement}/pledge-review"):
        assert api.client.get(path).status_code == 401  # valuations are not public
        assert get(api, path, Role.EVALUATION_AGENCY, 403)["code"] == "forbidden"
    for path, code in ((f"/v1/achievements/{MISSING}/pledge-review", "achievement_not_found"),
                       (f"/v1/achievements/{MISSING}/valuations", "achievement_not_found"),
                       (f"/v1/valuations/{MISSING}", "valuation_not_found")):
        assert get(api, path, Role.BANK, 404)["code"] == code
