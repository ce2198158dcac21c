"""Dates for `now`, `dateAdd` and `dateFormat`: ISO 8601 parsing, calendar arithmetic and
Luxon-style formatting.

Dates are ISO 8601 text or epoch milliseconds. Text without an offset is read as UTC, so results
never depend on the machine's time zone (Luxon would use the local zone). Functions raise
DateError, whose message names the problem; the caller adds which call failed.
"""

import calendar
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from tools.expressions.errors import describe_value
from tools.expressions.values import is_number

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DATE_EXPECTED = "an ISO 8601 date, such as 2026-03-01T09:30:00Z, or epoch milliseconds"

_FIXED_UNITS = {
    "millisecond": timedelta(milliseconds=1),
    "second": timedelta(seconds=1),
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
}
_CALENDAR_UNITS = {"month": 1, "quarter": 3, "year": 12}
UNITS = sorted(f"{unit}s" for unit in [*_FIXED_UNITS, *_CALENDAR_UNITS])

# English names, written out because the calendar module's follow the process locale.
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class DateError(ValueError):
    """A date, amount, unit or format that a date function cannot use.

    `argument` is the 1-based position of the offending argument in dateAdd or dateFormat.
    """

    def __init__(self, message: str, *, expected: str, got: str, argument: int) -> None:
        super().__init__(message)
        self.expected = expected
        self.got = got
        self.argument = argument


# A quoted literal, a run of one letter (a token), or other characters, which are copied.
_FORMAT_PART = re.compile(r"'([^']*)'|(([A-Za-z])\3*)|([^A-Za-z']+)|(')")


def parse_date(value: object) -> datetime:
    """Read an ISO 8601 date or epoch milliseconds as an aware datetime."""
    if is_number(value):
        try:
            return _EPOCH + timedelta(milliseconds=value)
        except OverflowError as error:
            raise _date_error(
                value, f"{describe_value(value)} as epoch milliseconds is outside the years 1 to 9999"
            ) from error
    if not isinstance(value, str):
        raise _date_error(value, f"expected {_DATE_EXPECTED}, got {describe_value(value)}")

    try:
        # RFC 3339 allows a lowercase t and z, which fromisoformat rejects.
        parsed = datetime.fromisoformat(value.strip().upper())
    except ValueError as error:
        raise _date_error(value, f"{describe_value(value)} is not {_DATE_EXPECTED}") from error
    return parsed if parsed.utcoffset() is not None else parsed.replace(tzinfo=UTC)


def iso_utc(moment: datetime) -> str:
    """Write a moment in UTC with milliseconds and Z, as JavaScript's toISOString does."""
    utc = moment.astimezone(UTC)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:"
        f"{utc.second:02d}.{utc.microsecond // 1000:03d}Z"
    )


def add_to_date(moment: datetime, amount: float, unit: str) -> datetime:
    """Add `amount` of `unit` (days, hours, months, ... singular or plural, any case).

    Months, quarters and years follow the calendar and clamp the day (January 31 plus one month
    is the last day of February), in the date's own UTC offset. They need a whole amount.
    """
    name = unit.strip().lower().removesuffix("s")
    try:
        if name in _FIXED_UNITS:
            return moment + _FIXED_UNITS[name] * amount
        if name in _CALENDAR_UNITS:
            return _add_months(moment, amount, _CALENDAR_UNITS[name], unit)
    except OverflowError as error:
        raise _out_of_years(amount, unit) from error
    raise DateError(
        f'unknown unit "{unit}"; units: {", ".join(UNITS)}',
        expected=f"a unit: {', '.join(UNITS)}",
        got=describe_value(unit),
        argument=3,
    )


def format_date(moment: datetime, pattern: str) -> str:
    """Format a moment with Luxon tokens (yyyy-MM-dd HH:mm), in the moment's own UTC offset.

    Text in single quotes is copied as it is ('T'); characters other than letters are copied too.
    An unknown letter token raises, because Luxon would print it or misread it silently.
    """
    parts = []
    for match in _FORMAT_PART.finditer(pattern):
        literal, token, _, other, lone_quote = match.groups()
        if literal is not None:
            parts.append(literal)
        elif other is not None:
            parts.append(other)
        elif lone_quote is not None:
            raise DateError(
                f'format "{pattern}" has a quote \' without its closing quote',
                expected="a format with closed quotes",
                got=describe_value(pattern),
                argument=2,
            )
        else:
            parts.append(_format_token(moment, token, pattern))
    return "".join(parts)


def _add_months(moment: datetime, amount: float, months_per_unit: int, unit: str) -> datetime:
    if not float(amount).is_integer():
        raise DateError(
            f'"{unit}" needs a whole amount, got {describe_value(amount)}',
            expected="a whole number",
            got=describe_value(amount),
            argument=2,
        )

    total = moment.year * 12 + moment.month - 1 + int(amount) * months_per_unit
    year, month_index = divmod(total, 12)
    if not 1 <= year <= 9999:
        raise _out_of_years(amount, unit)
    day = min(moment.day, calendar.monthrange(year, month_index + 1)[1])
    return moment.replace(year=year, month=month_index + 1, day=day)


def _format_token(moment: datetime, token: str, pattern: str) -> str:
    formatter = _TOKENS.get(token)
    if formatter is None:
        known = " ".join(_TOKENS)
        raise DateError(
            f'unknown token "{token}" in format "{pattern}"; tokens: {known}; '
            "put literal text in single quotes, such as 'T'",
            expected="a format of Luxon tokens",
            got=describe_value(pattern),
            argument=2,
        )
    return formatter(moment)


def _date_error(value: object, message: str) -> DateError:
    return DateError(message, expected=_DATE_EXPECTED, got=describe_value(value), argument=1)


def _out_of_years(amount: float, unit: str) -> DateError:
    return DateError(
        f"adding {amount} {unit} leaves the years 1 to 9999",
        expected="a result within the years 1 to 9999",
        got=f"{amount} {unit}",
        argument=2,
    )


def _offset_parts(moment: datetime) -> tuple[str, int, int]:
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return sign, hours, rest


def _narrow_offset(moment: datetime) -> str:
    sign, hours, minutes = _offset_parts(moment)
    return f"{sign}{hours}" + (f":{minutes:02d}" if minutes else "")


def _short_offset(moment: datetime) -> str:
    sign, hours, minutes = _offset_parts(moment)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _techie_offset(moment: datetime) -> str:
    sign, hours, minutes = _offset_parts(moment)
    return f"{sign}{hours:02d}{minutes:02d}"


def _twelve_hour(moment: datetime) -> int:
    return moment.hour % 12 or 12


def _epoch_milliseconds(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(milliseconds=1)


_TOKENS: dict[str, Callable[[datetime], str]] = {
    "y": lambda moment: str(moment.year),
    "yy": lambda moment: f"{moment.year % 100:02d}",
    "yyyy": lambda moment: f"{moment.year:04d}",
    "M": lambda moment: str(moment.month),
    "MM": lambda moment: f"{moment.month:02d}",
    "MMM": lambda moment: _MONTHS[moment.month - 1][:3],
    "MMMM": lambda moment: _MONTHS[moment.month - 1],
    "L": lambda moment: str(moment.month),
    "LL": lambda moment: f"{moment.month:02d}",
    "LLL": lambda moment: _MONTHS[moment.month - 1][:3],
    "LLLL": lambda moment: _MONTHS[moment.month - 1],
    "d": lambda moment: str(moment.day),
    "dd": lambda moment: f"{moment.day:02d}",
    "o": lambda moment: str(moment.timetuple().tm_yday),
    "ooo": lambda moment: f"{moment.timetuple().tm_yday:03d}",
    "E": lambda moment: str(moment.isoweekday()),
    "EEE": lambda moment: _WEEKDAYS[moment.weekday()][:3],
    "EEEE": lambda moment: _WEEKDAYS[moment.weekday()],
    "c": lambda moment: str(moment.isoweekday()),
    "ccc": lambda moment: _WEEKDAYS[moment.weekday()][:3],
    "cccc": lambda moment: _WEEKDAYS[moment.weekday()],
    "W": lambda moment: str(moment.isocalendar().week),
    "WW": lambda moment: f"{moment.isocalendar().week:02d}",
    "H": lambda moment: str(moment.hour),
    "HH": lambda moment: f"{moment.hour:02d}",
    "h": lambda moment: str(_twelve_hour(moment)),
    "hh": lambda moment: f"{_twelve_hour(moment):02d}",
    "a": lambda moment: "AM" if moment.hour < 12 else "PM",
    "m": lambda moment: str(moment.minute),
    "mm": lambda moment: f"{moment.minute:02d}",
    "s": lambda moment: str(moment.second),
    "ss": lambda moment: f"{moment.second:02d}",
    "S": lambda moment: str(moment.microsecond // 1000),
    "SSS": lambda moment: f"{moment.microsecond // 1000:03d}",
    "Z": _narrow_offset,
    "ZZ": _short_offset,
    "ZZZ": _techie_offset,
    "X": lambda moment: str(_epoch_milliseconds(moment) // 1000),
    "x": lambda moment: str(_epoch_milliseconds(moment)),
}
