"""Rule parameters as data with a policy version, never literals scattered through code."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.values import Category


@dataclass(frozen=True)
class NumberingPolicy:
    """批准登记号 = registry code + year + category letter + zero-padded serial [D, DOMAIN.md]."""

    version: str
    effective_from: date
    category_letters: dict[Category, str] = field(default_factory=dict)
    serial_width: int = 5

    def format(self, registry_code: str, year: int, category: Category, serial: int) -> str:
        return f"{registry_code}{year}{self.category_letters[category]}{serial:0{self.serial_width}d}"


NUMBERING_2026 = NumberingPolicy(
    version="numbering-2026.1",
    effective_from=date(2022, 1, 1),
    category_letters={
        Category.BASIC_THEORY: "J",  # 基础理论
        Category.APPLIED_TECHNOLOGY: "Y",  # 应用技术
        Category.SOFT_SCIENCE: "R",  # 软科学
    },
)
