"""Command inputs of technology contracts and IP pledges. `effective_date=None` means today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from domain.contract import ContractTerms
from domain.pledge import LoanTerms
from domain.registration_service import PublicNotice


@dataclass(frozen=True)
class RegisterContract:
    """An application for registration. It completes at once unless `review` keeps the case
    open or something holds it (a public notice still running)."""

    terms: ContractTerms
    effective_date: date | None = None  # the acceptance date; rules look at terms.signed_on
    notice: PublicNotice | None = None
    review: bool = False


@dataclass(frozen=True)
class RegistrationStep:
    """complete or refuse a registration, or request a correction (reason for the last two)."""

    contract_id: UUID
    reason: str = ""
    effective_date: date | None = None


@dataclass(frozen=True)
class RaiseDispute:
    contract_id: UUID
    raised_by: str
    reason: str
    effective_date: date | None = None


@dataclass(frozen=True)
class ResolveDispute:
    contract_id: UUID
    number: int
    upheld: bool
    note: str = ""
    effective_date: date | None = None


@dataclass(frozen=True)
class AmendContract:
    """New amounts and term: an amendment of a registered contract, or the corrected
    application (补正) of a case under review."""

    contract_id: UUID
    turnover: Decimal
    transaction_amount: Decimal
    term_end: date | None
    note: str = ""
    effective_date: date | None = None


@dataclass(frozen=True)
class RecordPayment:
    contract_id: UUID
    amount: Decimal
    note: str = ""
    effective_date: date | None = None


@dataclass(frozen=True)
class TerminateContract:
    contract_id: UUID
    reason: str
    effective_date: date | None = None


@dataclass(frozen=True)
class RegisterPledge:
    terms: LoanTerms
    effective_date: date | None = None  # when the pledge takes effect; default: loan_start


@dataclass(frozen=True)
class GrantConsent:
    pledge_id: UUID
    contract_number: str
    effective_date: date | None = None


@dataclass(frozen=True)
class PledgeStep:
    """release, default or enforce."""

    pledge_id: UUID
    note: str = ""
    proceeds: Decimal = Decimal(0)
    effective_date: date | None = None


@dataclass(frozen=True)
class RecordPledgeSupport:
    pledge_id: UUID
    kind: str  # interest_subsidy 贴息 | risk_compensation 风险补偿
    amount: Decimal
    payer: str
    effective_date: date | None = None
