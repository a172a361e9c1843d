"""Working days per region: public holidays and China's weekend make-up working days (调休)
come from the ``holidays`` package; admins add company holidays and extra working days.

Pure and deterministic for a given ``holidays`` release, so workflows may use it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError


class CalendarConfig(BaseModel):
    """The admin's part of a calendar, and, once resolved, the region's holidays spelled out.

    A resolved calendar is what workflows carry: the days are then part of the program's
    history (and of ``ProgramPlanned`` in the log), so replays and auditors see the same days.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    region: str | None = None
    company_holidays: tuple[date, ...] = ()
    extra_working_days: tuple[date, ...] = ()
    public_holidays: tuple[date, ...] | None = None
    """The region's public holidays for ``years``; None: not resolved, look them up."""
    weekend_workdays: tuple[date, ...] = ()
    """Weekend days the region works (China's make-up working days, 调休)."""
    years: tuple[int, ...] = ()
    provisional: tuple[int, ...] = ()
    """Years the region's official schedule is not published for yet (e.g. China's make-up
    working days beyond the State Council's latest notice): their days may still change."""

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str | None) -> str | None:
        if value is not None and value not in holidays.list_supported_countries():
            raise unknown_region(value)
        return value

    def resolved(self, years: tuple[int, ...]) -> CalendarConfig:
        """This calendar with the region's holidays for ``years`` written out."""
        if self.region is None:
            return self.model_copy(update={"public_holidays": (), "years": years})
        public = holidays.country_holidays(self.region, years=list(years))
        return self.model_copy(
            update={
                "public_holidays": tuple(sorted(public)),
                "weekend_workdays": tuple(
                    sorted(d for d in public.weekend_workdays if d.year in years)
                ),
                "years": years,
                "provisional": provisional_years(self.region, years),
            }
        )


def provisional_years(region: str, years: tuple[int, ...]) -> tuple[int, ...]:
    """The ``years`` after the last one the holidays package has the region's officially
    published schedule for. Only regions that move working days by decree each year (make-up
    weekend workdays, as China's 调休) have one; elsewhere the rules are fixed in advance."""
    published = getattr(holidays.country_holidays(region), "special_public_holidays", None)
    if not isinstance(published, dict) or not published:
        return ()
    latest = max(published)
    recent = holidays.country_holidays(region, years=[latest - 1, latest])
    if not recent.weekend_workdays:
        return ()
    return tuple(year for year in years if year > latest)


def check_region(value: str | None) -> str | None:
    """``value`` if the holidays package has a calendar for it; a clear error otherwise."""
    if value is not None and value not in holidays.list_supported_countries():
        raise unknown_region(value)
    return value


def unknown_region(value: str) -> PydanticCustomError:
    """A region the holidays package has no calendar for (a ``ValueError``), with its words."""
    return PydanticCustomError(
        "setting.unknown_region",
        "no public holiday calendar for region '{region}' (use ISO 3166 codes)",
        {"region": value},
    )


@lru_cache(maxsize=64)
def _public(region: str) -> holidays.HolidayBase:
    return holidays.country_holidays(region)


class BusinessCalendar:
    def __init__(self, config: CalendarConfig | None = None) -> None:
        self.config = config or CalendarConfig()
        self._extra_holidays = frozenset(self.config.company_holidays)
        self._extra_workdays = frozenset(self.config.extra_working_days)
        resolved = self.config.public_holidays
        self._public = None if resolved is None else frozenset(resolved)
        self._weekend_workdays = frozenset(self.config.weekend_workdays)

    def is_working_day(self, day: date) -> bool:
        if day in self._extra_workdays:
            return True
        if day in self._extra_holidays:
            return False
        if self._public is not None:
            if day in self._weekend_workdays:
                return True
            return day not in self._public and day.weekday() < 5
        if self.config.region is None:
            return day.weekday() < 5
        return bool(_public(self.config.region).is_working_day(day))

    def working_days_before(self, day: date, n: int) -> date:
        """The n-th working day before ``day`` (``day`` itself never counts)."""
        found = 0
        while found < n:
            day -= timedelta(days=1)
            found += self.is_working_day(day)
        return day

    def working_days_after(self, day: date, n: int) -> date:
        found = 0
        while found < n:
            day += timedelta(days=1)
            found += self.is_working_day(day)
        return day

    def add_working_time(self, moment: datetime, working_days: float, timezone: str) -> datetime:
        """``moment`` plus whole working days at the same local time; a half day is 12 hours,
        moved forward past non-working days."""
        zone = ZoneInfo(timezone)
        local = moment.astimezone(zone)
        whole = int(working_days)
        day = self.working_days_after(local.date(), whole) if whole else local.date()
        result = wall_clock(day, local.time(), zone)
        if working_days - whole:
            result = result + timedelta(hours=24 * (working_days - whole))
            while not self.is_working_day(result.astimezone(zone).date()):
                result += timedelta(days=1)
        return result


def wall_clock(day: date, at: time, zone: ZoneInfo) -> datetime:
    """``day`` at local ``at``: a DST-gap time moves forward, a repeated one takes the first."""
    naive = datetime.combine(day, at.replace(tzinfo=None))
    return datetime.fromtimestamp(naive.replace(tzinfo=zone, fold=0).timestamp(), tz=zone)


class ReminderRules(BaseModel):
    """When session reminders go out, in the program's time zone (admin configuration)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    prepare_working_days: int = Field(default=3, ge=0, le=30)
    prepare_at: time = time(9, 0)
    attend_at: time = time(8, 0)
    attend_lead_minutes: int = Field(default=60, ge=0, le=24 * 60)
