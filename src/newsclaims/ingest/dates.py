"""Dates as news text writes them: full dates in the body ("January 28, 2022", "28 January 2022"),
a header line that is nothing but a publication date ("Published August 2, 2013 | Updated ..."), the
year of a month/day dateline inferred from the dates an article mentions, and ISO dates in metadata.
:func:`newsclaims.ingest.normalize.normalise` uses them to resolve an article's publication date."""

from __future__ import annotations

import datetime as dt
import re
from typing import Optional

MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
MONTH_RE = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_FULL_DATE = re.compile(
    r"\b(?:(?P<m1>" + MONTH_RE + r")\.? (?P<d1>\d{1,2})(?:st|nd|rd|th)?,? (?P<y1>(?:19|20)\d\d)"
    r"|(?P<d2>\d{1,2}) (?P<m2>" + MONTH_RE + r")\.? (?P<y2>(?:19|20)\d\d))\b"
)
_ISO_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)-(\d\d)-(\d\d)(?!\d)")
#: a header line that is only a publication date, as scraped pages carry it: "Published August 2,
#: 2013", "Updated: November 11, 2011 18:50 IST", "Friday, May 24, 2005", "14:25 Sun Sep 15 2013",
#: "PUBLISHED: 22:07 GMT, 7 July 2012 | UPDATED: 06:55 GMT, 8 July 2012", "21 July 2013 Last updated
#: at 11:11 GMT", "on Jul 7 2012, 5:55p": one or more dates (month-day-year or day-month-year, comma
#: optional) with nothing around them but times, time zones, weekdays and the labels of
#: ``DATE_LINE_WORDS``
_LINE_DATE = re.compile(
    r"\b(?:(?P<m1>" + MONTH_RE + r")\.? (?P<d1>\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(?P<y1>(?:19|20)\d\d)"
    r"|(?P<d2>\d{1,2}) (?P<m2>" + MONTH_RE + r")\.?,? (?P<y2>(?:19|20)\d\d))\b",
    re.IGNORECASE,
)
_LINE_TIME = re.compile(
    r"\b\d{1,2}\s*[:.]\s*\d\d(?:\s*:\s*\d\d)?(?:\s*[ap]\.?\s*m\b\.?|\s*[ap]\b)?"
    r"|\(?\b(?:GMT|UTC)\s*[+\-]\s*\d{1,2}(?:\s*:\s*\d\d?)?\)?",
    re.IGNORECASE,
)
DATE_LINE_WORDS = frozenset(
    "published updated posted modified created edited first last date time on at story for immediate hrs "
    "release am pm a p m gmt utc bst ist est edt cst cdt mst mdt pst pdt akst akdt hst et ct mt pt cet "
    "cest eet eest aest aedt uk mon monday tue tues tuesday wed wednesday thu thur thurs thursday fri "
    "friday sat saturday sun sunday".split()
)
_WEEKDAY_RE = re.compile(
    r"\b(?:on |last |this )?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)


def month_number(name: str) -> Optional[int]:
    return MONTHS.get(name.lower().rstrip("."))


def safe_date(y: int, m: int, d: int) -> Optional[dt.date]:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _matched_date(m: re.Match) -> Optional[dt.date]:
    """The date of a ``_FULL_DATE`` or ``_LINE_DATE`` match (month-day-year or day-month-year groups)."""
    mon = month_number(m.group("m1") or m.group("m2"))
    return (
        safe_date(int(m.group("y1") or m.group("y2")), mon, int(m.group("d1") or m.group("d2")))
        if mon
        else None
    )


def full_dates(text: str) -> list[dt.date]:
    return [d for m in _FULL_DATE.finditer(text) if (d := _matched_date(m))]


def infer_year(month: int, day: int, text: str) -> Optional[int]:
    """The year of a month/day dateline, from the full dates the article itself mentions.

    An article is published on or after every complete date it reports, and soon after: take the
    earliest year, from the latest mentioned year on, that puts the dateline on or after the latest
    mentioned date. A weekday the text gives for the same day ("on Friday") breaks ties.
    """
    dates = full_dates(text)
    if not dates:
        return None
    latest = max(dates)
    candidates = [
        y for y in (latest.year, latest.year + 1) if (d := safe_date(y, month, day)) and d >= latest
    ]
    if not candidates:
        return None
    weekdays = {w.lower() for w in _WEEKDAY_RE.findall(text)}
    for y in candidates:
        if WEEKDAYS[dt.date(y, month, day).weekday()] in weekdays:
            return y
    return candidates[0]


def date_line(text: str) -> Optional[dt.date]:
    """The date of a paragraph that is nothing but a publication date line (see ``_LINE_DATE``): the
    first date it gives ("Published …" precedes "Updated …")."""
    text = text.strip()
    if len(text) > 90:
        return None
    dates = list(_LINE_DATE.finditer(text))
    if not dates:
        return None
    rest = _LINE_TIME.sub(" ", _LINE_DATE.sub(" ", text))
    if re.search(r"\d", rest) or any(
        w.lower() not in DATE_LINE_WORDS for w in re.findall(r"[A-Za-z]+", rest)
    ):
        return None
    return _matched_date(dates[0])


def date_from_meta(value: str) -> Optional[dt.date]:
    m = _ISO_DATE.search(value)
    return safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
