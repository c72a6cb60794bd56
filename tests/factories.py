"""Small builders for test stories (real commands, no mocks)."""

from __future__ import annotations

from uuid import UUID

from domain.achievement import AchievementDraft
from domain.codes import uscc_check_character
from domain.values import Category, Completer, Funding, MaturityStage, PartyKind
from services.commands import RegisterAchievement, RegisterParty
from services.ledger import Ledger


def credit_code(serial: int, region: str = "130600") -> str:
    """A valid unified social credit code for organisation number `serial`."""
    first17 = f"12{region}{serial:09d}"
    return first17 + uscc_check_character(first17)


def university(ledger: Ledger, serial: int = 1, name: str = "河北大学") -> UUID:
    cmd = RegisterParty(name=name, kind=PartyKind.UNIVERSITY, credit_code=credit_code(serial),
                        region_code="130600")
    return ledger.register_party(cmd, actor="test", key=f"uni-{serial}").value.id


def draft(owner: UUID, title: str = "一种石墨烯复合材料的制备方法",
          category: Category = Category.APPLIED_TECHNOLOGY) -> AchievementDraft:
    return AchievementDraft(
        title=title, category=category, owner_ids=(owner,), completers=(Completer("张伟"),),
        field="新材料", keywords=("石墨烯", "复合材料"), funding=Funding(fiscal=False),
        maturity_stage=MaturityStage.PILOT)


def register(ledger: Ledger, owner: UUID, title: str, key: str) -> str:
    outcome = ledger.register_achievement(RegisterAchievement(draft(owner, title), "1306"),
                                          actor="test", key=key)
    number = outcome.value.registration_number
    assert number is not None
    return number
