"""Service levels of technology-contract registration and the public notice before agreement
pricing: the rule parameters with their policy version, and the clock they drive.

- Registries complete a registration within 15 working days of acceptance, 30 when the
  technology transaction amount is at least 5 million yuan or the case is disputed; a correction
  request (补正) stops the clock and the corrected application starts it again [N: national
  contract-registration rules, 2024 draft, DOMAIN.md].
- A university or state-established institute that prices a transfer or license by agreement
  (协议定价) publishes the achievement and the intended price first (Law on Promoting the
  Transformation of S&T Achievements art. 18); the notice runs at least 15 days (教育部《关于进一步
  推动高校落实科技成果转化政策相关事项的通知》, 2016: 公示时间不少于15日).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from domain.errors import InvalidInput
from domain.working_days import add_working_days


@dataclass(frozen=True)
class RegistrationServicePolicy:
    version: str
    effective_from: date
    standard_working_days: int
    extended_working_days: int  # large amounts and disputed cases
    large_amount: Decimal  # 技术交易额 from which the extended limit applies
    notice_min_days: int  # calendar days a public notice runs, first and last day included

    def limit_for(self, transaction_amount: Decimal, disputed: bool) -> int:
        """Working days the registry has for a case."""
        if disputed or transaction_amount >= self.large_amount:
            return self.extended_working_days
        return self.standard_working_days

    def due_on(self, clock_started_on: date, transaction_amount: Decimal, disputed: bool) -> date:
        """The last working day on which completing the registration is on time."""
        return add_working_days(clock_started_on,
                                self.limit_for(transaction_amount, disputed))


REGISTRATION_2024 = RegistrationServicePolicy(
    version="contract-registration-2024.1", effective_from=date(2024, 1, 1),
    standard_working_days=15, extended_working_days=30, large_amount=Decimal("5000000"),
    notice_min_days=15)


REGISTRATION_POLICIES = (REGISTRATION_2024,)  # newest last


def registration_policy(day: date) -> RegistrationServicePolicy:
    """The policy in force on `day` (the earliest one before any was)."""
    in_force = [p for p in REGISTRATION_POLICIES if p.effective_from <= day]
    return in_force[-1] if in_force else REGISTRATION_POLICIES[0]


@dataclass(frozen=True)
class PublicNotice:
    """公示: where and when the achievement and intended price were published."""

    published_on: date
    ends_on: date  # the last day of the notice, inclusive
    intended_price: Decimal  # 拟交易价格, CNY
    channel: str  # e.g. the university's website

    def running_on(self, day: date) -> bool:
        return self.published_on <= day <= self.ends_on


def check_notice(notice: PublicNotice, policy: RegistrationServicePolicy) -> None:
    """A notice long enough, with a price; the caller has checked that one is due."""
    if not notice.channel.strip():
        raise InvalidInput("say where the notice was published", field="notice.channel")
    if not notice.intended_price.is_finite() or notice.intended_price <= 0:
        raise InvalidInput("the intended price is a positive CNY amount",
                           field="notice.intended_price")
    shortest_end = notice.published_on + timedelta(days=policy.notice_min_days - 1)
    if notice.ends_on < shortest_end:
        raise InvalidInput(f"a public notice runs at least {policy.notice_min_days} days: from "
                           f"{notice.published_on} to {shortest_end} or later "
                           f"(policy {policy.version})", field="notice.ends_on")
