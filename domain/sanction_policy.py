"""How long a sanction may run, by category and severity: versioned data, not literals.

National practice bans solicitation (请托) for 1–3 years, 3–5 years for a repeat case, and
5 years up to permanently for a severe one [N: DOMAIN.md, Misconduct record; 科研失信行为调查处理
规则]. Categories without a band leave the period to the deciding authority.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from domain.errors import InvalidInput
from domain.evaluation import add_months
from domain.misconduct import Decision, MisconductCategory, Severity


@dataclass(frozen=True)
class Band:
    min_years: int
    max_years: int | None  # None: up to permanent

    def check(self, start: date, end: date | None, field_name: str) -> None:
        shortest = add_months(start, 12 * self.min_years) - timedelta(days=1)
        if end is None:
            if self.max_years is not None:
                raise InvalidInput(f"this sanction runs at most {self.max_years} years, not "
                                   "permanently", field=field_name)
            return
        if end < shortest:
            raise InvalidInput(f"this sanction runs at least {self.min_years} years (to "
                               f"{shortest} or later)", field=field_name)
        if self.max_years is not None:
            longest = add_months(start, 12 * self.max_years) - timedelta(days=1)
            if end > longest:
                raise InvalidInput(f"this sanction runs at most {self.max_years} years (to "
                                   f"{longest} at the latest)", field=field_name)


@dataclass(frozen=True)
class SanctionGuideline:
    version: str
    bands: dict[tuple[MisconductCategory, Severity], Band] = field(default_factory=dict)

    def check(self, decision: Decision) -> None:
        band = self.bands.get((decision.category, decision.severity))
        if band is None:
            return
        for n, terms in enumerate(decision.sanctions):
            band.check(terms.start, terms.end, f"sanctions[{n}].end")


S, C = Severity, MisconductCategory
GUIDELINE_2022 = SanctionGuideline(
    version="integrity-sanctions-2022.1",
    bands={(C.SOLICITATION, S.GENERAL): Band(1, 3), (C.SOLICITATION, S.REPEAT): Band(3, 5),
           (C.SOLICITATION, S.SEVERE): Band(5, None)})
