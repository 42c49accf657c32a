"""Normalise a decoded document: strip page noise, split title / subtitle / dateline / body, resolve
the publication date and language, and keep a map from every body offset back to the raw text.

The body is built from slices of the raw text, so ``body_map`` (a list of ``[body_offset,
raw_offset]`` anchors, one wherever the copy is not contiguous) maps any span in ``articles.body`` to
the decoded raw file with :func:`body_to_raw`. Characters are copied as they are (no Unicode
recomposition), so a mapped span is exactly the raw text; only whitespace is folded and invisible
characters (zero-width, bidi controls) dropped.

How dates are read from the text (full dates, date lines, a dateline's year) is in
:mod:`newsclaims.ingest.dates`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable, Optional

from newsclaims.ingest.dates import MONTH_RE, date_from_meta, date_line, infer_year, month_number, safe_date
from newsclaims.ingest.profiles import OutletProfile

#: a dateline any outlet may use: "MOSCOW, January 28." / "WASHINGTON (Reuters) -" / "KYIV, Ukraine —"
GENERIC_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'\- ]{1,30}[A-Z.](?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)?)?)"
    r"(?:,? (?P<month>" + MONTH_RE + r")\.? (?P<day>\d{1,2})(?:, (?P<year>\d{4}))?)?\.?"
    r"(?: ?\((?P<agency>[A-Za-z][A-Za-z .&]{1,30})\)| /(?P<agency2>[A-Z]{2,10})/\.?)?"
    r"\s*(?:[-—–]{1,2}|:)\s+(?=[A-Z\"“‘'])"
)
#: a paragraph that is only a dateline: "LONDON 1996-08-30", "KANSAS CITY, Mo. 1996-08-30",
#: "STIRLING , Scotland 1996-08-30", "MOSCOW, January 28" (the place in capitals)
DATELINE_ONLY = re.compile(
    r"^(?P<place>[A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+){0,3}(?: ?, [A-Z][A-Za-z.'\-]+(?: [A-Z][A-Za-z.'\-]+){0,2})?)"
    r" ?,? (?:(?P<iso>(?:19|20)\d\d-\d\d-\d\d)|(?P<month>" + MONTH_RE + r")\.? (?P<day>\d{1,2})"
    r"(?:,? (?P<year>(?:19|20)\d\d))?)\s*\.?$"
)
#: header paragraphs searched for a date line
DATE_LINE_PARAGRAPHS = 6

#: invisible characters dropped from the body (zero-width, bidi controls, BOM, soft hyphen)
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
_PIECE = re.compile(r"[^\s" + _INVISIBLE + r"]+")
_WORD = re.compile(r"\w+")

TITLE_MAX_CHARS = 250
TITLE_MAX_WORDS = 35


@dataclass
class Normalised:
    body: str
    body_map: list[list[int]]
    title: Optional[str] = None
    subtitle: Optional[str] = None
    dateline_place: Optional[str] = None
    published_date: Optional[dt.date] = None
    date_source: Optional[str] = None
    language: Optional[str] = None
    outlet: Optional[str] = None
    word_count: int = 0
    removed_noise: list[str] = field(default_factory=list)


# --- offsets -------------------------------------------------------------------------------------


class _Builder:
    """Accumulates body text from raw slices, recording an anchor wherever the copy jumps."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.anchors: list[list[int]] = []
        self._next_raw: Optional[int] = None

    def add(self, text: str, raw_start: int) -> None:
        if not text:
            return
        if raw_start != self._next_raw:
            self.anchors.append([self.length, raw_start])
        self.parts.append(text)
        self.length += len(text)
        self._next_raw = raw_start + len(text)

    def add_separator(self, sep: str) -> None:
        """Text that stands for raw whitespace (never the target of a span)."""
        self.parts.append(sep)
        self.length += len(sep)
        self._next_raw = None

    def text(self) -> str:
        return "".join(self.parts)


def body_to_raw(offset: int, body_map: list[list[int]]) -> int:
    """Map an offset in ``articles.body`` to the decoded raw text of the article's file."""
    if not body_map:
        return offset
    keys = [a[0] for a in body_map]
    i = bisect.bisect_right(keys, offset) - 1
    if i < 0:
        i = 0
    body_start, raw_start = body_map[i]
    return raw_start + (offset - body_start)


def _emit_segment(b: _Builder, raw: str, start: int, end: int) -> None:
    """Copy raw[start:end] into the builder with whitespace folded and invisibles dropped."""
    first = True
    prev_end = start
    for m in _PIECE.finditer(raw, start, end):
        gap = raw[prev_end : m.start()]
        if not first:
            if any(ch not in _INVISIBLE for ch in gap):  # real whitespace in the gap
                if gap == " ":
                    b.add(" ", prev_end)
                else:
                    b.add_separator(" ")
        piece = m.group()
        b.add(piece, m.start())
        prev_end, first = m.end(), False


# --- lines and paragraphs --------------------------------------------------------------------------


@dataclass
class _Para:
    segments: list[tuple[int, int]]  # raw (start, end) slices, already trimmed

    def text(self, raw: str) -> str:
        return " ".join(" ".join(_PIECE.findall(raw[s:e])) for s, e in self.segments).strip()


def _drop_ranges(raw: str, profile: Optional[OutletProfile]) -> tuple[list[tuple[int, int]], dict]:
    """Character ranges to remove (profile metadata and noise fragments) and metadata read."""
    ranges: list[tuple[int, int]] = []
    meta: dict = {}
    if profile is None:
        return ranges, meta
    for pat in profile.metadata:
        for m in pat.finditer(raw):
            ranges.append(m.span())
            meta.update({k: v for k, v in m.groupdict().items() if v})
    for pat in profile.noise_patterns:
        ranges.extend(m.span() for m in pat.finditer(raw))
    return sorted(ranges), meta


def _subtract(start: int, end: int, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out, cur = [], start
    for rs, re_ in ranges:
        if re_ <= cur or rs >= end:
            continue
        if rs > cur:
            out.append((cur, rs))
        cur = max(cur, re_)
    if cur < end:
        out.append((cur, end))
    return out


def _trim(raw: str, s: int, e: int) -> tuple[int, int]:
    while s < e and (raw[s].isspace() or raw[s] in _INVISIBLE):
        s += 1
    while e > s and (raw[e - 1].isspace() or raw[e - 1] in _INVISIBLE):
        e -= 1
    return s, e


def _paragraphs(
    raw: str,
    drop: list[tuple[int, int]],
    noise_lines: frozenset[str] | set[str],
    removed: list[str],
    learned: Optional[Callable[[str], bool]] = None,
) -> list[_Para]:
    """Non-empty lines after noise removal, grouped into paragraphs (hard-wrapped lines joined).

    ``noise_lines`` are a profile's exact noise lines; ``learned`` tells a feed's learned noise
    (see :mod:`newsclaims.ingest.pagenoise`), removed with the context rules of
    :func:`newsclaims.ingest.pagenoise.noise_plan` unless that would leave nothing."""
    blocks: list[list[tuple[list[tuple[int, int]], str]]] = [[]]
    pos = 0
    for line in raw.splitlines(keepends=True):
        ls, le = pos, pos + len(line.rstrip("\r\n"))
        pos += len(line)
        pieces = [_trim(raw, s, e) for s, e in _subtract(ls, le, drop)]
        pieces = [(s, e) for s, e in pieces if e > s]
        content = " ".join(" ".join(_PIECE.findall(raw[s:e])) for s, e in pieces)
        if not content:
            blocks.append([])  # a blank (or emptied) line ends a block
            continue
        if content in noise_lines:
            removed.append(content)
            blocks.append([])
            continue
        blocks[-1].append((pieces, content))
    blocks = [b for b in blocks if b]
    if learned is not None and blocks:
        from newsclaims.ingest.pagenoise import noise_plan

        plan = noise_plan([[content for _, content in b] for b in blocks], learned)
        if any(any(keep) for keep in plan):
            split: list[list[tuple[list[tuple[int, int]], str]]] = [[]]
            for b, keeps in zip(blocks, plan):
                for line, keep in zip(b, keeps):
                    if keep:
                        split[-1].append(line)
                    else:  # a removed line ends its block, as a profile's noise line does
                        removed.append(line[1])
                        split.append([])
                split.append([])
            blocks = [b for b in split if b]
    paras: list[_Para] = []
    for block in blocks:
        lines = [pieces for pieces, _ in block]
        lengths = [sum(e - s for s, e in segs) for segs in lines]
        if len(lines) > 1 and all(40 <= n <= 100 for n in lengths[:-1]):  # hard-wrapped lines
            paras.append(_Para([seg for segs in lines for seg in segs]))
        else:
            paras.extend(_Para(segs) for segs in lines)
    return paras


# --- language ------------------------------------------------------------------------------------

#: below this normalised probability the language is not decided (the article is treated as English)
LANGUAGE_MIN_PROBABILITY = 0.8
#: a prose line: at least this many words, most of them words of letters, some lower-case
_PROSE_MIN_WORDS = 6


def _is_prose(line: str) -> bool:
    toks = line.split()
    if len(toks) < _PROSE_MIN_WORDS:
        return False
    alpha = [t for t in toks if any(ch.isalpha() for ch in t)]
    lower = [t for t in alpha if t[:1].islower()]
    return len(alpha) >= 0.6 * len(toks) and len(lower) >= 0.3 * len(toks)


@lru_cache(maxsize=1)
def _language_identifier():
    from py3langid.langid import _load_identifier

    return _load_identifier(norm_probs=True)


def detect_language(text: str) -> Optional[str]:
    """ISO 639-1 code of the text's language (py3langid, model shipped in the package), or None when
    it cannot be told with confidence.

    Only prose lines are looked at (results tables, lists of names and numbers say nothing about
    the language and mislead the classifier); a text with too little prose, or whose top normalised
    probability is below :data:`LANGUAGE_MIN_PROBABILITY`, gets None.
    """
    prose = [line for line in text.splitlines() if _is_prose(line)]
    sample = "\n".join(prose)[:1500]  # enough to tell languages apart; the classifier costs per character
    if len(_WORD.findall(sample)) < 3:
        return None
    lang, prob = _language_identifier().classify(sample)
    return lang if prob >= LANGUAGE_MIN_PROBABILITY else None


# --- the whole step ------------------------------------------------------------------------------


def _looks_like_title(text: str) -> bool:
    return len(text) <= TITLE_MAX_CHARS and len(text.split()) <= TITLE_MAX_WORDS


def _is_headline(text: str) -> bool:
    """Text after a "WORD - " opening that is in capitals: a headline ("CRICKET - LEICESTERSHIRE TAKE
    OVER"), so the opening was a topic label, not a dateline."""
    letters = [ch for ch in text[:200] if ch.isalpha()]
    return len(letters) >= 8 and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


def _match_dateline(text: str, profile: Optional[OutletProfile]) -> Optional[re.Match]:
    if profile is not None and profile.dateline is not None:
        m = profile.dateline.match(text)
        if m:
            return m
    return GENERIC_DATELINE.match(text)


def _date_lines(raw: str, paras: list, removed: list[str]) -> tuple[list, list[dt.date]]:
    """Header paragraphs that only give the date ("Published August 2, 2013") are neither title nor
    body: the paragraphs without them, and their dates."""
    kept, line_dates = [], []
    for i, p in enumerate(paras):
        d = date_line(p.text(raw)) if i < DATE_LINE_PARAGRAPHS else None
        if d is None:
            kept.append(p)
        else:
            line_dates.append(d)
            removed.append(p.text(raw))
    return kept, line_dates


def _find_dateline(raw: str, paras: list, profile: Optional[OutletProfile]):
    """``(paragraph index, match, whether the paragraph is only the dateline)`` of the dateline in the
    first four paragraphs, or ``(None, None, False)``."""
    for i, p in enumerate(paras[:4]):
        m = DATELINE_ONLY.match(p.text(raw))
        if m:  # a paragraph that is just the dateline (place and date): not body text
            return i, m, True
    for i, p in enumerate(paras[:4]):
        s, e = p.segments[0]
        para_text = raw[s : p.segments[-1][1]]
        m = _match_dateline(para_text, profile)
        if m and not _is_headline(para_text[m.end() :]):
            return i, m, False
    return None, None, False


def _header(
    raw: str,
    paras: list,
    profile: Optional[OutletProfile],
    metadata: dict,
    split_header: bool,
    dateline_idx: Optional[int],
    dateline_only: bool,
):
    """``(title, subtitle, body paragraphs, head)``: the paragraphs before the body (``head`` of them)
    give the title and subtitle unless the metadata does."""
    title = subtitle = None
    head = dateline_idx if dateline_idx is not None else 0
    if metadata.get("title"):
        title = metadata["title"]
    elif split_header and (
        head >= 1 or (dateline_idx is None and len(paras) > 1 and _looks_like_title(paras[0].text(raw)))
    ):
        title = paras[0].text(raw)
        if head == 0:
            head = 1
    if dateline_idx is not None and dateline_idx >= 2 and (profile is None or profile.subtitle):
        subtitle = " ".join(p.text(raw) for p in paras[1:dateline_idx])
    elif (
        split_header
        and profile is not None
        and profile.subtitle
        and dateline_idx is None
        and len(paras) > 3
        and _looks_like_title(paras[1].text(raw))
    ):
        subtitle, head = paras[1].text(raw), 2
    body_paras = paras[head:]
    if dateline_only and dateline_idx is not None and head == dateline_idx:
        body_paras = body_paras[1:]  # the dateline paragraph is not body text
    if metadata.get("subtitle"):
        subtitle = metadata["subtitle"]
    return title, subtitle, body_paras, head


def _build_body(raw: str, body_paras: list, cut: int) -> "_Builder":
    """The body text with its anchors back to ``raw``; ``cut`` characters of the first paragraph (the
    dateline it was matched in) are left out."""
    b = _Builder()
    for i, p in enumerate(body_paras):
        if i:
            b.add_separator("\n\n")
        segs = list(p.segments)
        if i == 0 and cut:
            s0, e0 = segs[0]  # the dateline starts the paragraph it was matched in
            segs[0] = (s0 + cut, e0)
        for j, (s, e) in enumerate(segs):
            if j:
                b.add_separator(" ")
            _emit_segment(b, raw, *_trim(raw, s, e))
    return b


def _dateline_place(dateline_match) -> Optional[str]:
    place = re.sub(r"\s+,", ",", dateline_match.groupdict().get("place") or "").strip(" ,.") or None
    if place and place.split(",")[0].isupper():
        place = ", ".join(
            " ".join(w.capitalize() if w.isupper() else w for w in part.split()) for part in place.split(",")
        )
        place = re.sub(r",\s+", ", ", place)
    return place


def _published(
    metadata: dict, line_dates: list[dt.date], dateline_match, body: str, raw_path: str
) -> tuple[Optional[dt.date], Optional[str]]:
    """The publication date and where it came from: metadata, a date line, the dateline (its year
    inferred from the body when it has none), the file's path."""
    published: Optional[dt.date] = None
    date_source = None
    if metadata.get("date"):
        published = (
            metadata["date"]
            if isinstance(metadata["date"], dt.date)
            else date_from_meta(str(metadata["date"]))
        )
        date_source = "metadata" if published else None
    if published is None and line_dates:
        published, date_source = min(line_dates), "date line"  # "Published …" precedes "Updated …"
    if published is None and dateline_match is not None and dateline_match.groupdict().get("iso"):
        published = date_from_meta(dateline_match.group("iso"))
        date_source = "dateline" if published else None
    if published is None and dateline_match is not None and dateline_match.groupdict().get("month"):
        mon = month_number(dateline_match.group("month"))
        day = int(dateline_match.group("day"))
        year = dateline_match.groupdict().get("year")
        if mon and year:
            published, date_source = safe_date(int(year), mon, day), "dateline"
        elif mon:
            y = infer_year(mon, day, body)
            if y:
                published, date_source = safe_date(y, mon, day), "dateline+year-inferred"
    if published is None and raw_path:
        published = date_from_meta(raw_path)
        date_source = "path" if published else None
    return published, date_source


def normalise(
    raw: str,
    profile: Optional[OutletProfile] = None,
    *,
    metadata: Optional[dict] = None,
    extra_noise: Iterable[str] = (),
    raw_path: str = "",
    split_header: bool = True,
    learned_noise: Optional[Callable[[str], bool]] = None,
) -> Normalised:
    """Normalise one decoded document (see module doc).

    ``learned_noise(line)`` says whether a line is page noise learned from the document's feed.

    ``split_header=False`` keeps every paragraph in the body (no title, subtitle or dateline split).
    """
    metadata = dict(metadata or {})
    drop, meta = _drop_ranges(raw, profile)
    metadata = {**meta, **metadata}
    removed: list[str] = []
    noise = set(profile.noise_lines) if profile else set()
    noise.update(line.strip() for line in extra_noise)
    paras = _paragraphs(raw, drop, noise, removed, learned_noise)

    line_dates: list[dt.date] = []
    dateline_idx, dateline_match, dateline_only = None, None, False
    if split_header:
        paras, line_dates = _date_lines(raw, paras, removed)
        dateline_idx, dateline_match, dateline_only = _find_dateline(raw, paras, profile)
    title, subtitle, body_paras, head = _header(
        raw, paras, profile, metadata, split_header, dateline_idx, dateline_only
    )
    cut = (
        dateline_match.end()
        if dateline_match is not None and not dateline_only and head == dateline_idx
        else 0
    )
    b = _build_body(raw, body_paras, cut)
    body = b.text()
    place = _dateline_place(dateline_match) if dateline_match is not None else None
    published, date_source = _published(metadata, line_dates, dateline_match, body, raw_path)
    return Normalised(
        body=body,
        body_map=b.anchors,
        title=title,
        subtitle=subtitle,
        dateline_place=place,
        published_date=published,
        date_source=date_source,
        language=detect_language(body),
        outlet=profile.name if profile else None,
        word_count=len(_WORD.findall(body)),
        removed_noise=removed,
    )
