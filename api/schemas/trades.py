"""Technology-contract (技术合同) and IP-pledge (知识产权质押) schemas. Money is a string."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from api.schemas.common import EffectiveDate, LongText, Money, Strict, Text
from domain.contract import ContractType, ContractVariant, PricingMethod

ContractNumber = Annotated[str, Field(min_length=1, max_length=64, strict=True,
                                     description="the parties' own contract number")]
PatentNumber = Annotated[str, Field(min_length=1, max_length=40, strict=True)]


class NoticeIn(Strict):
    """公示 of the achievement and intended price (agreement pricing by a university or
    research institute, 促进科技成果转化法 art. 18)."""

    published_on: date
    ends_on: date = Field(description="last day of the notice, inclusive")
    intended_price: Money = Field(description="拟交易价格, CNY")
    channel: Text = Field(description="where it was published, e.g. the university's website")


class ContractCreate(Strict):
    """技术合同登记. The contract number is the idempotency key: the same body again replays,
    another body under the same number is refused (409). The registration completes on
    acceptance unless `review` keeps the case open or a public notice is still running."""

    contract_number: ContractNumber
    title: Text
    contract_type: ContractType
    variant: ContractVariant | None = None
    seller_id: UUID
    buyer_id: UUID
    achievement_ids: Annotated[list[UUID], Field(max_length=50)] = []
    turnover: Money = Field(description="成交额, CNY")
    transaction_amount: Money = Field(description="技术交易额, CNY, at most the turnover")
    signed_on: date
    term_end: date | None = None
    field: Annotated[str, Field(min_length=1, max_length=100, strict=True)]
    exchange_id: UUID
    pricing: PricingMethod | None = None
    notice: NoticeIn | None = None
    review: bool = Field(default=False, description="keep the case open for the registry's "
                                                    "review instead of completing it now")
    effective_date: EffectiveDate = Field(default=None, description="the acceptance date")


class RegistrationStepCreate(Strict):
    reason: LongText = ""
    effective_date: EffectiveDate = None


class DisputeCreate(Strict):
    raised_by: Text = Field(description="who objects: a party's name or a member of the public")
    reason: Text
    effective_date: EffectiveDate = None


class DisputeDecision(Strict):
    upheld: bool = Field(description="upheld refuses the registration; dismissed lets it go on")
    note: LongText = ""
    effective_date: EffectiveDate = None


class AmendmentCreate(Strict):
    """New amounts and term (also the corrected application, 补正, of a case under review)."""

    turnover: Money
    transaction_amount: Money
    term_end: date | None = None
    note: LongText = ""
    effective_date: EffectiveDate = None


class PaymentCreate(Strict):
    amount: Money
    note: LongText = ""
    effective_date: EffectiveDate = None


class TerminationCreate(Strict):
    reason: Text
    effective_date: EffectiveDate = None


class PledgeItemIn(Strict):
    """An achievement, or only the named patents of it (none named: the whole achievement)."""

    achievement_id: UUID
    patent_numbers: Annotated[list[PatentNumber], Field(max_length=200)] = []


class PledgeCreate(Strict):
    """质押登记: `effective_date` is the registration date, when the pledge starts binding."""

    pledgor_id: UUID
    pledgee_id: UUID
    debtor_id: UUID
    items: Annotated[list[PledgeItemIn], Field(min_length=1, max_length=50)]
    secured_amount: Money
    loan_start: date
    loan_end: date
    other_collateral: LongText = ""
    effective_date: EffectiveDate = None


class ConsentCreate(Strict):
    """The pledgee consents to a named transfer or license (Civil Code art. 444)."""

    contract_number: ContractNumber
    effective_date: EffectiveDate = None


class PledgeStepCreate(Strict):
    note: LongText = ""
    effective_date: EffectiveDate = None


class EnforcementCreate(Strict):
    note: LongText = ""
    proceeds: Money
    effective_date: EffectiveDate = None


class SupportCreate(Strict):
    """贴息 (interest subsidy) or 风险补偿 (risk compensation) paid on a pledge loan."""

    kind: Literal["interest_subsidy", "risk_compensation"]
    amount: Money
    payer: Text
    effective_date: EffectiveDate = None
