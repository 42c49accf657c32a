"""Text and dates from what network and file sources read: the text of an HTML fragment (feed item
content), the main text and metadata of a web page (trafilatura), word counts, and dates in the
forms feeds write them (ISO 8601, RFC 2822, struct_time, epoch seconds). Fetching is in
:mod:`newsclaims.ingest.sources.web`."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import time
from dataclasses import dataclass
from typing import Any, Iterable, Optional

_BLOCK_TAGS = (
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "br",
    "section",
    "article",
    "tr",
    "pre",
    "figure",
    "figcaption",
    "header",
    "footer",
)
_WORD = re.compile(r"\w+")


def word_count(text: str) -> int:
    return len(_WORD.findall(text or ""))


def html_fragment_to_text(fragment: str) -> str:
    """The text of an HTML fragment (feed item content), one paragraph per block element."""
    if not fragment or "<" not in fragment:
        return _paragraphs((fragment or "").splitlines())
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml raises several types on junk
        return _paragraphs(re.sub(r"<[^>]+>", " ", fragment).splitlines())
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    for el in root.iter(*_BLOCK_TAGS):
        el.tail = "\n" + (el.tail or "")
        if el.tag != "br":
            el.text = "\n" + (el.text or "")
    return _paragraphs(root.text_content().splitlines())


def _paragraphs(lines: Iterable[str]) -> str:
    paras = [re.sub(r"\s+", " ", ln).strip() for ln in lines]
    return "\n\n".join(p for p in paras if p)


@dataclass
class PageText:
    text: str
    title: Optional[str] = None
    date: Optional[str] = None
    sitename: Optional[str] = None
    author: Optional[str] = None
    description: Optional[str] = None


def extract_page(html: bytes | str, url: Optional[str] = None) -> Optional[PageText]:
    """Main text and metadata of a web page (trafilatura), or None when it has no main text."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False
        )
    except Exception:  # a broken page is a reject, never a failed run
        return None
    if doc is None or not (getattr(doc, "text", None) or "").strip():
        return None
    lines = [ln.strip() for ln in doc.text.splitlines() if ln.strip()]
    title = (doc.title or "").strip() or None
    if lines and title and lines[0] == title:  # trafilatura repeats the headline as the first line
        lines = lines[1:]
    return PageText(
        text="\n\n".join(lines),
        title=title,
        date=parse_date(doc.date),
        sitename=(doc.sitename or None),
        author=doc.author or None,
        description=doc.description or None,
    )


def parse_date(value: Any) -> Optional[str]:
    """An ISO date (YYYY-MM-DD) from ISO 8601, RFC 2822, a time.struct_time or epoch seconds; else None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, time.struct_time):
        try:
            return dt.date(value.tm_year, value.tm_mon, value.tm_mday).isoformat()
        except ValueError:
            return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(float(value), dt.timezone.utc).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    s = str(value).strip()
    try:
        return dt.datetime.fromisoformat(s.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})\b", s)
    if m:
        try:
            return dt.date(*map(int, m.groups())).isoformat()
        except ValueError:
            return None
    try:
        d = email.utils.parsedate_to_datetime(s)
        return d.date().isoformat() if d else None
    except (TypeError, ValueError, IndexError):
        return None
