"""What the public may see of the technology market's figures (信息按规定公开, Baoding item 2).

Statistics are public (Baoding item 4: the market publishes trading statistics), an individual
contract's amounts are not: they are the parties' trade secret, which the registry keeps
(技术合同认定登记管理办法: the registry's duty of confidentiality — article to verify) [N]. So a
published figure must sum enough contracts that no one contract can be read off it [D].
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DisclosurePolicy:
    version: str
    effective_from: date
    # A cell of the public statistics shows its amounts only when it sums at least this many
    # contracts; otherwise it shows the count alone (small-cell suppression) [D].
    min_contracts_per_cell: int


DISCLOSURE_2026 = DisclosurePolicy(version="public-disclosure-2026.1",
                                   effective_from=date(2026, 1, 1), min_contracts_per_cell=3)
