"""A registration case over HTTP: agreement pricing with its public notice, an objection,
a correction, completion, the registry's backlog; roles and bad input as problem+json."""

from __future__ import annotations

from domain.access import Role
from tests.api.test_http import Api
from tests.api.test_trades_http import EX, Market, call, get

NOTICE = {"published_on": "2026-04-01", "ends_on": "2026-04-15", "intended_price": "500000.00",
          "channel": "河北大学官网"}


def case(api: Api, cid: str, step: str, body: dict[str, object], status: int = 200,
         role: Role = EX) -> dict[str, object]:
    return call(api, f"/v1/contracts/{cid}/registration/{step}", body, role, status)


def test_a_case_from_acceptance_to_completion(api: Api, market: Market) -> None:
    body = market.contract(pricing="agreement", notice=NOTICE, effective_date="2026-04-07")
    created = call(api, "/v1/contracts", body, EX)
    assert created["status"] == "accepted"
    cid = created["id"]
    case(api, cid, "disputes", {"raised_by": "某教师", "reason": "价格偏低",
                                "effective_date": "2026-04-10"})
    held = case(api, cid, "completion", {"effective_date": "2026-04-16"}, 409)
    assert held["code"] == "registration_on_hold"
    case(api, cid, "disputes/1/decision", {"upheld": False, "note": "异议不成立",
                                           "effective_date": "2026-04-16"})
    asked = case(api, cid, "correction-request", {"reason": "缺少定价依据",
                                                  "effective_date": "2026-04-16"})
    backlog = get(api, "/v1/contract-registrations/backlog", Role.REGISTRAR, as_of="2026-04-17",
                  wait_for_position=asked["position"])
    assert [(c["stage"], c["working_days_left"]) for c in backlog["items"]] == [
        ("awaiting_correction", None)]
    corrected = case(api, cid, "correction", {"turnover": "500000.00", "transaction_amount":
                     "450000.00", "term_end": "2028-03-31", "effective_date": "2026-04-20"})
    backlog = get(api, "/v1/contract-registrations/backlog", Role.AUDITOR, as_of="2026-04-20",
                  wait_for_position=corrected["position"])
    # Disputed once: 30 working days from the corrected application (20 April → 3 June).
    assert [(c["stage"], c["due_on"]) for c in backlog["items"]] == [("ready", "2026-06-03")]
    done = case(api, cid, "completion", {"effective_date": "2026-04-21"})
    row = get(api, f"/v1/contracts/{cid}", wait_for_position=done["position"])
    assert (row["status"], row["registered_on"], row["on_time"]) == ("registered", "2026-04-21", 1)
    assert row["notice"]["intended_price"] == "500000.00"
    record = get(api, "/v1/contract-registrations/service-record", Role.REGISTRAR,
                 completed_from="2026-04-01", completed_to="2026-04-30")
    assert (record["completed"], record["on_time"]) == (1, 1)


def test_refusals_and_roles(api: Api, market: Market) -> None:
    missing = call(api, "/v1/contracts", market.contract(pricing="agreement"), EX, 422)
    assert (missing["code"], missing["field"]) == ("public_notice_required", "notice")
    short = call(api, "/v1/contracts", market.contract(
        pricing="agreement", notice={**NOTICE, "ends_on": "2026-04-10"}), EX, 422)
    assert short["code"] == "invalid_input"
    cid = call(api, "/v1/contracts", market.contract(review=True,
                                                     effective_date="2026-04-07"), EX)["id"]
    assert case(api, cid, "refusal", {"reason": "非技术合同"}, 403, Role.BANK)["code"] \
        == "forbidden"
    get(api, "/v1/contract-registrations/backlog", Role.BANK, expect=403)
    case(api, cid, "refusal", {"reason": "非技术合同", "effective_date": "2026-04-08"})
    again = case(api, cid, "refusal", {"reason": "again", "effective_date": "2026-04-08"}, 409)
    assert again["code"] == "invalid_state_transition"
