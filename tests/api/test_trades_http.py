"""Contracts and pledges over HTTP: the lifecycles, the banks' questions, roles, and bad input
refused with problem+json and nothing written."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.access import Role
from tests.api.test_http import Api, achievement_body, party_body
from tests.factories import credit_code

P1, P2 = "ZL201710601862.3", "ZL201810123456.5"
EX = Role.EXCHANGE_OPERATOR


def call(api: Api, path: str, body: Any, role: Role | None = Role.REGISTRAR, status: int = 201,
         headers: dict[str, str] | None = None) -> dict[str, Any]:
    auth = api.as_(role) if role else {}
    response = api.client.post(path, json=body, headers={**auth, **(headers or {})})
    assert response.status_code == status, response.text
    data: dict[str, Any] = response.json()
    return data


def get(api: Api, path: str, role: Role = Role.AUDITOR, expect: int = 200,
        **params: Any) -> dict[str, Any]:
    response = api.client.get(path, params=params, headers=api.as_(role))
    assert response.status_code == expect, response.text
    data: dict[str, Any] = response.json()
    return data


class Market:
    """A university with a patented achievement, a buyer, an exchange and a bank."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.uni = call(api, "/v1/parties", party_body(1))["id"]
        self.ent = self.org("保定某科技公司", "enterprise", 2)
        self.exchange = self.org("保定技术交易市场", "transfer_agency", 3)
        self.bank = self.org("保定银行", "bank", 4)
        patents = [{"number": n, "kind": "invention", "title": "一种装置",
                    "expiry_date": "2037-06-30"} for n in (P1, P2)]
        self.ach = call(api, "/v1/achievements", {**achievement_body(self.uni), "patents": patents,
                                                  "effective_date": "2026-01-05"})["id"]

    def org(self, name: str, kind: str, serial: int) -> str:
        return str(call(self.api, "/v1/parties", {"name": name, "kind": kind, "credit_code":
                        credit_code(serial), "region_code": "130600"})["id"])

    def contract(self, **changes: Any) -> dict[str, Any]:
        return {"contract_number": "HT-2026-001", "title": "节水灌溉技术许可合同",
                "contract_type": "license", "variant": "ordinary", "seller_id": self.uni,
                "buyer_id": self.ent, "achievement_ids": [self.ach], "turnover": "500000.00",
                "transaction_amount": "450000.00", "signed_on": "2026-04-01",
                "term_end": "2028-03-31", "field": "现代农业", "exchange_id": self.exchange,
                "pricing": "listing", **changes}

    def pledge(self, **changes: Any) -> dict[str, Any]:
        return {"pledgor_id": self.uni, "pledgee_id": self.bank, "debtor_id": self.uni,
                "items": [{"achievement_id": self.ach}], "secured_amount": "1000000.00",
                "loan_start": "2026-03-01", "loan_end": "2027-03-01",
                "effective_date": "2026-03-01", **changes}


def test_contract_lifecycle(api: Api, market: Market) -> None:
    created = api.client.post("/v1/contracts", json=market.contract(), headers=api.as_(EX))
    assert created.status_code == 201, created.text
    cid = created.json()["id"]
    assert created.headers["Location"] == f"/v1/contracts/{cid}"
    replay = call(api, "/v1/contracts", market.contract(), EX)
    assert (replay["id"], replay["replayed"]) == (cid, True)
    taken = call(api, "/v1/contracts", market.contract(turnover="600000.00"), EX, 409)
    assert taken["code"] == "contract_number_taken"

    call(api, f"/v1/contracts/{cid}/amendments", {"turnover": "520000.00",
         "transaction_amount": "460000.00", "term_end": "2028-12-31"}, EX, 200)
    call(api, f"/v1/contracts/{cid}/payments", {"amount": "100000.50"}, EX, 200)
    done = call(api, f"/v1/contracts/{cid}/termination", {"reason": "协商解除",
                "effective_date": "2026-09-01"}, Role.REGISTRAR, 200)
    row = get(api, f"/v1/contracts/{cid}", wait_for_position=done["position"])
    assert (row["turnover"], row["paid"], row["term_end"], row["status"]) == (
        "520000.00", "100000.50", "2028-12-31", "terminated")
    assert (row["type"], row["variant"], row["seller_kind"], row["buyer_kind"]) == (
        "license", "ordinary", "university", "enterprise")
    page = get(api, "/v1/contracts", achievement_id=market.ach, status="terminated",
               signed_from="2026-04-01", signed_to="2026-04-01")
    assert [r["id"] for r in page["items"]] == [cid] and page["total"] == 1
    assert get(api, "/v1/contracts", type="transfer")["total"] == 0
    assert get(api, "/v1/contracts/00000000-0000-4000-8000-000000000000",
               expect=404)["code"] == "contract_not_found"


def test_pledge_lifecycle_and_bank_queries(api: Api, market: Market) -> None:
    key = {"Idempotency-Key": "loan-1"}
    first = call(api, "/v1/pledges", market.pledge(), Role.BANK, headers=key)
    assert call(api, "/v1/pledges", market.pledge(), Role.BANK, headers=key)["replayed"] is True
    pid, bank = first["id"], market.bank
    call(api, f"/v1/pledges/{pid}/consents", {"contract_number": "HT-2026-001"}, Role.BANK, 200)
    contract = call(api, "/v1/contracts", market.contract(), EX)
    support = call(api, f"/v1/pledges/{pid}/support", {"kind": "interest_subsidy",
                   "amount": "8000.00", "payer": "保定市科学技术局"}, Role.REGISTRAR, 200)
    assert support["position"] > contract["position"]
    on = get(api, "/v1/pledge-status", Role.BANK, patent_number="zl201810123456.5",
             as_of="2026-06-30", wait_for_position=support["position"])
    assert on["pledged"] is True and on["pledges"][0]["pledgee_name"] == "保定银行"
    exposure = get(api, f"/v1/banks/{bank}/pledges", Role.BANK, as_of="2026-06-30")
    assert (exposure["count"], exposure["exposure"], exposure["support_received"]) == (
        1, "1000000.00", "8000.00")
    pledge = get(api, f"/v1/pledges/{pid}", Role.EXCHANGE_OPERATOR)
    assert [c["contract_number"] for c in pledge["consents"]] == ["HT-2026-001"]

    lapse = call(api, f"/v1/achievements/{market.ach}/patent-status", {
        "patent_number": P2, "status": "lapsed", "effective_date": "2026-05-01"}, status=200)
    alerts = get(api, "/v1/pledge-alerts", Role.BANK, bank_id=bank, as_of="2026-06-30",
                 wait_for_position=lapse["position"])["alerts"]
    assert [(a["patent_number"], a["reason"]) for a in alerts] == [(P2, "patent_lapsed")]

    released = call(api, f"/v1/pledges/{pid}/release", {"effective_date": "2026-06-30"},
                    Role.BANK, 200)
    off = get(api, "/v1/pledge-status", achievement_id=market.ach, as_of="2026-06-30",
              wait_for_position=released["position"])
    assert off["pledged"] is False
    then = get(api, "/v1/pledge-status", achievement_id=market.ach, as_of="2026-06-30",
               known_at=on["pledges"][0]["start_recorded"])
    assert then["pledged"] is True and then["pledges"][0]["end_effective"] is None

    only_p1 = [{"achievement_id": market.ach, "patent_numbers": [P1]}]  # P2 has lapsed
    second = call(api, "/v1/pledges", market.pledge(effective_date="2026-07-01", items=only_p1,
                                                    loan_start="2026-07-01"), Role.BANK)["id"]
    call(api, f"/v1/pledges/{second}/default", {"note": "逾期"}, Role.BANK, 200)
    ended = call(api, f"/v1/pledges/{second}/enforcement", {"proceeds": "700000.00"}, Role.BANK,
                 200)
    row = get(api, f"/v1/pledges/{second}", wait_for_position=ended["position"])
    assert (row["status"], row["proceeds"]) == ("enforced", "700000.00")


def test_roles_are_enforced_and_refusals_write_nothing(api: Api, market: Market) -> None:
    pid = call(api, "/v1/pledges", market.pledge(), Role.BANK)["id"]
    other = market.org("河北银行", "bank", 9)
    runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    bound = runtime.ledger.issue_api_key(Role.BANK, "河北银行", party_id=UUID(other))
    before = api.head()
    refusals = [
        ("/v1/contracts", market.contract(), Role.BANK),
        ("/v1/pledges", market.pledge(), EX),
        (f"/v1/pledges/{pid}/release", {}, Role.REGISTRAR),
        (f"/v1/pledges/{pid}/support", {"kind": "interest_subsidy", "amount": "1.00",
                                        "payer": "x"}, Role.BANK),
    ]
    for path, body, role in refusals:
        assert call(api, path, body, role, 403)["code"] == "forbidden", path
    as_other = {"Authorization": f"Bearer {bound}"}
    for path, body in (("/v1/pledges", market.pledge()), (f"/v1/pledges/{pid}/release", {})):
        response = api.client.post(path, json=body, headers=as_other)
        assert (response.status_code, response.json()["code"]) == (403, "not_the_pledgee")
    exposure = api.client.get(f"/v1/banks/{market.bank}/pledges", headers=as_other)
    assert (exposure.status_code, exposure.json()["code"]) == (403, "not_the_bank")
    assert call(api, "/v1/contracts", market.contract(), None, 401)["code"] == "unauthenticated"
    asked = api.client.get("/v1/pledge-status", params={"achievement_id": market.ach},
                           headers=api.as_(Role.EVALUATION_AGENCY))
    assert asked.status_code == 403
    assert api.head() == before


def bad_bodies(m: Market) -> list[tuple[str, str, Any, int, str]]:
    return [
        ("amount above turnover", "/v1/contracts", m.contract(transaction_amount="500000.01"),
         422, "transaction_amount_exceeds_turnover"),
        ("unknown field", "/v1/contracts", {**m.contract(), "colour": "red"}, 422,
         "unknown_field"),
        ("malformed", "/v1/contracts", b'{"contract_number": ', 400, "malformed_json"),
        ("three decimals", "/v1/contracts", m.contract(turnover="1.005"), 422, "invalid_field"),
        ("negative", "/v1/contracts", m.contract(turnover="-1.00"), 422, "invalid_field"),
        ("unknown field", "/v1/pledges", {**m.pledge(), "rate": "4.2"}, 422, "unknown_field"),
        ("no items", "/v1/pledges", m.pledge(items=[]), 422, "invalid_field"),
        ("bad patent", "/v1/pledges", m.pledge(items=[{"achievement_id": m.ach,
         "patent_numbers": ["ZL201710601862.4"]}]), 422, "invalid_patent_number"),
        ("loan backwards", "/v1/pledges", m.pledge(loan_end="2026-02-01"), 422, "invalid_input"),
        ("malformed", "/v1/pledges", b"[", 400, "malformed_json"),
    ]


def test_bad_input_gets_a_problem_and_writes_nothing(api: Api, market: Market) -> None:
    before = api.head()
    for name, path, body, status, code in bad_bodies(market):
        role = Role.BANK if path == "/v1/pledges" else EX
        content = body if isinstance(body, bytes) else api.client.build_request(
            "POST", "/", json=body).content
        response = api.client.post(path, content=content, headers={
            **api.as_(role), "Content-Type": "application/json"})
        assert (response.status_code, response.json()["code"]) == (status, code), name
        assert response.headers["content-type"].startswith("application/problem+json")
    for params, code in (({"as_of": "2026-06-30"}, "missing_field"),
                         ({"achievement_id": market.ach, "known_at": "2026-06-01T10:00:00"},
                          "invalid_field"),
                         ({"patent_number": "ZL1"}, "invalid_patent_number")):
        asked = api.client.get("/v1/pledge-status", params=params, headers=api.as_(Role.BANK))
        assert (asked.status_code, asked.json()["code"]) == (422, code), params
    assert api.head() == before
