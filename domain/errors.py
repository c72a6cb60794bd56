"""Domain errors: each has a stable code and a bilingual title, so every edge reports it alike."""

from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    """What kind of failure an error is; the API maps each kind to one HTTP status."""

    INVALID = "invalid"  # the request itself is wrong (422)
    NOT_FOUND = "not_found"  # a referenced thing does not exist (404)
    CONFLICT = "conflict"  # a business rule forbids it in the ledger's current state (409)


class DomainError(Exception):
    """A command refused by a rule. `code` is stable and documented; titles are for people."""

    kind: ErrorKind = ErrorKind.CONFLICT
    code: str = "rule_violated"
    title_zh: str = "违反业务规则"
    title_en: str = "Business rule violated"

    def __init__(self, detail: str, **context: object) -> None:
        super().__init__(detail)
        self.detail = detail
        self.context = context


class InvalidInput(DomainError):
    """Input that no state of the ledger could accept (a missing field, a bad code)."""

    kind = ErrorKind.INVALID
    code = "invalid_input"
    title_zh = "输入无效"
    title_en = "Invalid input"


class NotFound(DomainError):
    """A referenced aggregate does not exist."""

    kind = ErrorKind.NOT_FOUND
    code = "not_found"
    title_zh = "未找到"
    title_en = "Not found"

    def __init__(self, what: str, ident: object) -> None:
        super().__init__(f"{what} {ident} does not exist", what=what, id=str(ident))
        self.code = f"{what}_not_found"


class InvalidCreditCode(DomainError):
    kind = ErrorKind.INVALID
    code = "invalid_credit_code"
    title_zh = "统一社会信用代码无效"
    title_en = "Invalid unified social credit code"


class InvalidRegionCode(DomainError):
    kind = ErrorKind.INVALID
    code = "invalid_region_code"
    title_zh = "行政区划代码无效"
    title_en = "Invalid region code"


class InvalidPatentNumber(DomainError):
    kind = ErrorKind.INVALID
    code = "invalid_patent_number"
    title_zh = "专利号无效"
    title_en = "Invalid patent number"


class DuplicateRegistration(DomainError):
    kind = ErrorKind.CONFLICT
    code = "achievement_already_registered"
    title_zh = "成果已登记"
    title_en = "Achievement already registered"


class DuplicateParty(DomainError):
    kind = ErrorKind.CONFLICT
    code = "party_already_registered"
    title_zh = "主体已登记"
    title_en = "Party already registered"


class InvalidTransition(DomainError):
    kind = ErrorKind.CONFLICT
    code = "invalid_state_transition"
    title_zh = "当前状态不允许该操作"
    title_en = "Not allowed in the current state"


class WrongPartyKind(DomainError):
    kind = ErrorKind.CONFLICT
    code = "wrong_party_kind"
    title_zh = "主体类型不符"
    title_en = "Party is of the wrong kind"


class ClassifiedWorkRefused(DomainError):
    kind = ErrorKind.CONFLICT
    code = "classified_work_refused"
    title_zh = "涉密或国防科技成果不予登记"
    title_en = "State-secret or defence work is refused"


class PatentAlreadyRegistered(DomainError):
    kind = ErrorKind.CONFLICT
    code = "patent_already_registered"
    title_zh = "专利已属于另一登记成果"
    title_en = "Patent already belongs to another registered achievement"


class IdempotencyKeyReused(DomainError):
    kind = ErrorKind.CONFLICT
    code = "idempotency_key_reused"
    title_zh = "幂等键已用于不同的请求"
    title_en = "Idempotency key already used with a different request"
