"""Demo registration cases (技术合同登记) for the registry's desk: completed on time and late, sent
back for correction (补正), disputed, large (30 working days), overdue, and agreement-priced
transfers by universities with their public notice (公示) still running or objected to and refused.
Planned into the trades run (its date order and idempotent steps)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from api.demo_data import Registered
from domain.contract import ContractStatus, ContractTerms, PricingMethod
from domain.contract import ContractType as T
from domain.contract import ContractVariant as V
from domain.registration_service import PublicNotice
from domain.values import PartyKind
from services import trade_commands as t

if TYPE_CHECKING:
    from api.demo_trades import _Trades

# (day, step, fields): complete | refuse | correct_request | correct | dispute | decide
Step = tuple[date, str, tuple[Any, ...]]


@dataclass(frozen=True)
class RegistrationCase:
    accepted_on: date
    steps: tuple[Step, ...] = ()
    review: bool = True
    notice: PublicNotice | None = None
    amounts: tuple[Decimal, Decimal] | None = None  # 成交额, 技术交易额

    def adjust(self, terms: ContractTerms) -> ContractTerms:
        if self.notice is not None:
            terms = replace(terms, pricing=PricingMethod.AGREEMENT)
        if self.amounts is not None:
            terms = replace(terms, turnover=self.amounts[0], transaction_amount=self.amounts[1])
        return terms

    def command(self, terms: ContractTerms) -> t.RegisterContract:
        return t.RegisterContract(terms, self.accepted_on, self.notice, self.review)

    def plan_steps(self, run: _Trades, contract_id: UUID) -> None:
        ledger = run.ledger
        plans: dict[str, tuple[Callable[[Any], bool], Callable[..., object], Callable[..., object]]] = {
            # done-predicate, method, command per step
            "complete": (lambda c: not _open(c), ledger.complete_contract_registration,
                         t.RegistrationStep),
            "refuse": (lambda c: not _open(c), ledger.refuse_contract_registration,
                       t.RegistrationStep),
            "correct_request": (lambda c: c.awaiting_correction or c.clock_started_on != c.started_on,
                                ledger.request_contract_correction, t.RegistrationStep),
            "correct": (lambda c: not c.awaiting_correction, ledger.submit_contract_correction,
                        t.AmendContract),
            "dispute": (lambda c: bool(c.disputes), ledger.raise_contract_dispute, t.RaiseDispute),
            "decide": (lambda c: not c.open_disputes, ledger.resolve_contract_dispute,
                       t.ResolveDispute),
        }
        for on, name, fields in self.steps:
            done, method, command = plans[name]
            run.step(on, contract_id, done, method, command, *fields)


def _open(contract: Any) -> bool:
    return bool(contract.status is ContractStatus.ACCEPTED)


def _notice(published: date, ends: date, price: str, channel: str = "本单位门户网站") -> PublicNotice:
    return PublicNotice(published, ends, Decimal(price), channel)


D = date
SERVICE_CASES: tuple[tuple[T, V | None, date, RegistrationCase], ...] = (
    (T.SERVICE, None, D(2026, 10, 9), RegistrationCase(D(2026, 10, 12), (
        (D(2026, 10, 23), "complete", ("",)),))),
    (T.CONSULTING, None, D(2026, 8, 28), RegistrationCase(D(2026, 9, 1), (  # completed late
        (D(2026, 10, 16), "complete", ("",)),))),
    (T.DEVELOPMENT, V.ENTRUSTED, D(2026, 10, 22), RegistrationCase(D(2026, 10, 26), (
        (D(2026, 10, 28), "correct_request", ("缺少技术交易额核定依据及发票",)),
        (D(2026, 11, 3), "correct", (Decimal("680000.00"), Decimal("600000.00"), D(2027, 10, 31),
                                     "补交技术交易额核定表")),))),
    (T.SERVICE, None, D(2026, 10, 30), RegistrationCase(D(2026, 11, 2), (
        (D(2026, 11, 5), "correct_request", ("合同签章页不完整，请补正",)),))),
    (T.CONSULTING, None, D(2026, 10, 6), RegistrationCase(D(2026, 10, 9))),  # overdue
    (T.DEVELOPMENT, V.COOPERATIVE, D(2026, 10, 16), RegistrationCase(  # ≥ 5 million: 30 days
        D(2026, 10, 20), amounts=(Decimal("8000000.00"), Decimal("6500000.00")))),
    (T.SERVICE, None, D(2026, 9, 25), RegistrationCase(D(2026, 9, 28), (
        (D(2026, 10, 9), "dispute", ("合同一方", "对技术服务内容的认定存在争议")),
        (D(2026, 10, 27), "decide", (1, False, "经审查属于技术服务合同，争议不成立")),
        (D(2026, 10, 29), "complete", ("",)),))),
)


def plan_registration_cases(run: _Trades, spare: list[Registered]) -> None:
    """Seven service-type cases and two agreement-priced university disposals."""
    for kind, variant, signed, case in SERVICE_CASES:
        seller = run.rng.choice(run.loader.orgs_of(PartyKind.UNIVERSITY, PartyKind.ENTERPRISE))
        run.contract(kind, variant, seller, run.buyer(seller), signed, title=_title(kind),
                     field_name="电子信息", case=case)
    running, objected = spare[:2]
    run.contract(T.TRANSFER, None, run.owner(running), run.buyer(run.owner(running)), D(2026, 11, 12),
                 (running,), title=f"“{running.draft.title}”转让合同（协议定价）",
                 case=RegistrationCase(D(2026, 11, 13), review=False, notice=_notice(
                     D(2026, 11, 9), D(2026, 11, 30), "1200000.00")))
    run.contract(T.LICENSE, V.ORDINARY, run.owner(objected), run.buyer(run.owner(objected)),
                 D(2026, 9, 10), (objected,), title=f"“{objected.draft.title}”许可合同（协议定价）",
                 case=RegistrationCase(D(2026, 9, 14), review=False, notice=_notice(
                     D(2026, 9, 1), D(2026, 9, 21), "300000.00"), steps=(
                     (D(2026, 9, 15), "dispute", ("本单位科研人员", "拟交易价格明显低于同类成果市场价格")),
                     (D(2026, 10, 12), "decide", (1, True, "定价依据不足，协议定价未获通过")),)))


def _title(kind: T) -> str:
    return {T.SERVICE: "工业软件测试技术服务合同", T.CONSULTING: "数字化改造技术咨询合同",
            T.DEVELOPMENT: "边缘计算网关研发合同"}[kind]
