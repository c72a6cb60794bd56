"""Working days (工作日) of the People's Republic of China, for service-level clocks.

Statutory holidays and the weekend days worked in their place (调休) follow the State Council's
yearly holiday notices (国务院办公厅关于部分节假日安排的通知) as published by the `holidays`
package; for a year whose notice is not yet out, the package's rule-based holidays are used.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from holidays import HolidayBase
from holidays.countries.china import China


@lru_cache(maxsize=64)
def _calendar(year: int) -> HolidayBase:
    return China(years=year)  # type: ignore[no-untyped-call]


def is_working_day(day: date) -> bool:
    """Monday to Friday unless a statutory holiday, and a weekend day worked in lieu."""
    calendar = _calendar(day.year)
    if day in calendar.weekend_workdays:
        return True
    return day.weekday() < 5 and day not in calendar


def add_working_days(start: date, count: int) -> date:
    """The `count`-th working day after `start` (the starting day itself is not counted, as
    periods are reckoned in Chinese law: 期间开始的日不计算在内)."""
    day = start
    remaining = count
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]; negative when end is before start."""
    if end < start:
        return -working_days_between(end, start)
    return sum(is_working_day(start + timedelta(days=n)) for n in range(1, (end - start).days + 1))
