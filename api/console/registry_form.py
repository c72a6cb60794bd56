"""The registry search form: what a viewer asked (the same filters as GET /v1/achievements, by
the same AchievementFilter) and the choices the form offers — the technical fields and the
owners' regions (provinces and cities, GB/T 2260) that the registry holds."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

from domain.regions import region_label
from domain.values import HefeiSubtype
from projections.registry_queries import AchievementFilter
from projections.store import Tx

REGION = re.compile(r"^\d{6}$")  # as the API's `region` query parameter
SUBTYPES = tuple(s.value for s in HefeiSubtype)


@dataclass(frozen=True)
class Search:
    """The form's fields as typed ('' = any)."""

    q: str = ""
    category: str = ""
    status: str = ""
    field: str = ""
    region: str = ""
    subtype: str = ""

    @property
    def error(self) -> str | None:
        """The API answers 422 for a region that is not 6 digits; the form says why."""
        return "bad_region" if self.region and not REGION.match(self.region) else None

    def to_filter(self) -> AchievementFilter:
        return AchievementFilter(
            q=self.q or None, category=self.category or None, status=self.status or None,
            field=self.field or None, region=self.region or None,
            hefei_subtype=self.subtype or None)

    def query(self) -> str:
        """The filters as a query string, for the pager's links."""
        return urlencode({k: v for k, v in asdict(self).items() if v})


def fields(tx: Tx) -> list[str]:
    rows = tx.execute("SELECT DISTINCT field FROM achievements WHERE field IS NOT NULL "
                      "AND field <> '' ORDER BY field")
    return [str(r["field"]) for r in rows]


def regions(tx: Tx, asked: str) -> list[tuple[str, str]]:
    """(code, label) of each province and city where an owner is, provinces first by code;
    a code asked by URL but not held is offered too, so the form shows what was asked."""
    rows = tx.execute("SELECT DISTINCT region_code FROM achievement_owners "
                      "WHERE region_code IS NOT NULL")
    codes = {asked} if REGION.match(asked) else set()
    for r in rows:
        code = str(r["region_code"])
        codes |= {code[:2] + "0000", code[:4] + "00"}
    return [(c, f"{region_label(c)} ({c})") for c in sorted(codes)]
