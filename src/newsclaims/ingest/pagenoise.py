"""Page noise, in one place: how lines are compared (:func:`noise_key`, :func:`line_keys`), which lines
recur across a set of pages (:func:`learn_noise`, :func:`strip_noise`), what to drop around them
(:func:`noise_plan`, used by the normaliser), and what is learned per feed as ingest streams the
feed's documents (:class:`FeedNoise`, :class:`NoiseBook`). Outlet profiles add fixed noise lines of
their own (:mod:`newsclaims.ingest.profiles`), which the normaliser applies with these.

Page noise learned per feed

A site wraps every article in the same template: menus, cookie banners, "most read" boxes,
footers with a changing timestamp.  No outlet profile describes them all, and they make two
different articles of one site look alike while a syndicated copy on another site looks different.
Like Media Cloud's repeated-sentence filter, we count, per feed, in how many documents each line
occurs (lines compared by :func:`noise_key`: canonical words, digits masked) and
treat a line as noise once it has been seen in at least ``min_docs`` documents *and* in at least
``min_fraction`` of the feed's recent documents.  The normaliser then removes those lines (plus
the headline lists boxed in by them, see :func:`noise_plan`) before near-dup
comparison and extraction, keeping its body-to-raw offset map.

Streaming and bounded
---------------------
Ingest reads a feed in chunks of ``CHUNK_DOCS`` documents: it counts the chunk's lines first and
then normalises the chunk with what has been learned so far, so a template is recognised from
the first chunk on, and memory is bounded by the chunk, not by the feed.  Counts decay: when a
feed's document count passes ``2 * WINDOW_DOCS`` all counts are halved (lines seen once are
forgotten), so a redesigned site's new footer is learned and memory stays bounded by the window.

The statistics are warehouse state: ingest stages the updated ones under the run's staging folder
and :func:`commit` makes them current after the load, so a run that dies re-learns exactly what it
learned before and the rerun yields the same articles.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from newsclaims.ingest.neardup import canonical_tokens
from newsclaims.load.lake import atomic_write_bytes

log = logging.getLogger("newsclaims")

#: documents normalised together after their lines were counted
CHUNK_DOCS = 256
#: counts are halved when a feed's (decayed) document count passes twice this
WINDOW_DOCS = 2000
#: a line is noise when at least this many documents of the feed carry it ...
MIN_DOCS = 5
#: ... and at least this fraction of the feed's recent documents
MIN_FRACTION = 0.3

_FORMAT_VERSION = 1


@dataclass
class FeedNoise:
    """Decayed line counts of one feed."""

    feed: str
    n_docs: float = 0.0
    counts: dict[int, float] = field(default_factory=dict)

    def observe(self, text: str) -> None:
        """Count the distinct line keys of one document."""
        keys: set[int] = set()
        for line in text.splitlines():
            if line.strip():
                keys.update(hashed_keys(line))
        for key in keys:
            self.counts[key] = self.counts.get(key, 0.0) + 1.0
        self.n_docs += 1.0
        if self.n_docs > 2 * WINDOW_DOCS:
            self._decay()

    def _decay(self) -> None:
        self.n_docs /= 2.0
        self.counts = {k: v / 2.0 for k, v in self.counts.items() if v >= 2.0}

    def learned(self, *, min_docs: int = MIN_DOCS, min_fraction: float = MIN_FRACTION) -> frozenset[int]:
        """The noise keys: lines in enough documents, absolutely and as a share of the feed."""
        needed = max(float(min_docs), min_fraction * self.n_docs)
        return frozenset(k for k, n in self.counts.items() if n >= needed)

    def to_json(self) -> bytes:
        return json.dumps(
            {"version": _FORMAT_VERSION, "feed": self.feed, "n_docs": self.n_docs, "counts": self.counts},
            sort_keys=True,
        ).encode()

    @classmethod
    def from_json(cls, data: bytes) -> "FeedNoise":
        obj = json.loads(data)
        if obj.get("version") != _FORMAT_VERSION:
            raise ValueError(f"unknown feed-noise format {obj.get('version')!r}")
        return cls(
            feed=obj["feed"],
            n_docs=float(obj["n_docs"]),
            counts={int(k): float(v) for k, v in obj["counts"].items()},
        )


def _hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")


@lru_cache(maxsize=1 << 16)
def hashed_keys(line: str) -> tuple[int, ...]:
    """The hashed comparison keys of a line (full key, and the prefix key of a short line).
    Cached: template lines recur in every document of a feed, and each line is looked at twice
    (counted, then tested)."""
    full, prefix = line_keys(line)
    keys = (_hash(full),) if full else ()
    if prefix is not None:
        keys += (_hash(prefix),)
    return keys


def is_noise(line: str, learned: frozenset[int]) -> bool:
    """Whether ``line`` is learned noise (``learned`` from :meth:`FeedNoise.learned`)."""
    return bool(learned) and any(k in learned for k in hashed_keys(line))


def _file_name(feed: str) -> str:
    return hashlib.sha256(feed.encode()).hexdigest()[:24] + ".json"


def state_dir(root: Path) -> Path:
    return root / "state" / "feed_noise"


def staged_dir(root: Path, run_id: str) -> Path:
    return root / "staging" / run_id / "feed_noise"


class NoiseBook:
    """The feeds' noise statistics for one run: read from the committed state on first use,
    written to the run's staging folder by :meth:`stage`."""

    def __init__(self, root: Optional[Path] = None, run_id: str = "") -> None:
        self.root, self.run_id = root, run_id  # no root: statistics in memory only (benchmarks)
        self.feeds: dict[str, FeedNoise] = {}
        self.touched: set[str] = set()

    def feed(self, name: str) -> FeedNoise:
        if name not in self.feeds:
            loaded = load_feed(self.root, name) if self.root is not None else None
            self.feeds[name] = loaded or FeedNoise(name)
        return self.feeds[name]

    def observe(self, feed: str, text: str) -> None:
        self.feed(feed).observe(text)
        self.touched.add(feed)

    def learned(self, feed: str) -> frozenset[int]:
        return self.feed(feed).learned() if feed in self.feeds else frozenset()

    def observe_chunk(self, items) -> dict[str, frozenset[int]]:
        """Count the lines of a chunk of ``(feed, text)`` documents, then return what each of the
        chunk's feeds has learned: a chunk is normalised with noise that includes its own lines."""
        feeds: set[str] = set()
        for feed, text in items:
            self.observe(feed, text)
            feeds.add(feed)
        return {feed: self.learned(feed) for feed in feeds}

    def stage(self) -> None:
        if self.root is None:
            return
        folder = staged_dir(self.root, self.run_id)
        for name in sorted(self.touched):
            folder.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(folder / _file_name(name), self.feeds[name].to_json())


def load_feed(root: Path, feed: str) -> Optional[FeedNoise]:
    path = state_dir(root) / _file_name(feed)
    try:
        return FeedNoise.from_json(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError) as exc:  # a damaged file: start learning again
        log.warning("ignoring damaged feed-noise state %s: %s", path, exc)
        return None


def commit(root: Path, run_id: str) -> int:
    """After the load: the run's staged statistics become the committed ones."""
    folder = staged_dir(root, run_id)
    if not folder.is_dir():
        return 0
    target = state_dir(root)
    target.mkdir(parents=True, exist_ok=True)
    n = 0
    for path in sorted(folder.glob("*.json")):
        os.replace(path, target / path.name)
        n += 1
    folder.rmdir()
    return n


def reset(root: Path, feed: str) -> bool:
    """Forget what was learned about ``feed`` (``sources reset`` uses it)."""
    path = state_dir(root) / _file_name(feed)
    try:
        path.unlink()
        return True
    except FileNotFoundError:
        return False


# --- page noise ------------------------------------------------------------------------------------

_DIGITS = re.compile(r"\d+")
#: a line this short (in words) that sits between noise lines is treated as part of the noise block
SHORT_LINE_WORDS = 12


def noise_key(line: str) -> str:
    """Comparison key of a line for noise learning: its canonical word tokens (so typography,
    mojibake and whitespace do not matter) with digit runs masked, so "Updated 14:32, 3 May"
    and "Updated 09:05, 12 May" share a key but a sentence with other words does not."""
    return " ".join(_DIGITS.sub("#", token) for token in canonical_tokens(line))


#: a short line is also keyed by its first tokens, so "Page last updated at 07:48 GMT, Tuesday,
#: 22 March" is learned although weekday and month change from page to page
PREFIX_TOKENS = 4
_PREFIX_MARK = "^ "


def line_keys(line: str) -> tuple[str, str | None]:
    """(full key, prefix key or None): the prefix key exists for short lines longer than the
    prefix, the shape of template datelines and bylines."""
    tokens = noise_key(line).split()
    full = " ".join(tokens)
    if PREFIX_TOKENS < len(tokens) <= SHORT_LINE_WORDS:
        return full, _PREFIX_MARK + " ".join(tokens[:PREFIX_TOKENS])
    return full, None


def in_noise_set(line: str, noise: set[str]) -> bool:
    """Whether ``line`` is one of the learned noise keys (see :func:`learn_noise`)."""
    full, prefix = line_keys(line)
    return full in noise or (prefix is not None and prefix in noise)


def learn_noise(texts: Sequence[str], *, min_docs: int = 5, min_fraction: float = 0.3) -> set[str]:
    """Lines/paragraphs (stripped) that recur across many documents of one feed: menus, footers,
    'related stories' boxes.

    A line is noise when at least ``min_docs`` documents *and* at least ``min_fraction`` of the
    documents contain it (counted once per document).  The fraction guard keeps a story that a
    small feed republished five times from being learned as its own template.  Lines are compared
    by :func:`noise_key` (digits masked), and short lines also by their first
    ``PREFIX_TOKENS`` tokens (marked ``"^ "``), so the returned set holds keys, which
    :func:`strip_noise` expects.
    """
    if not texts:
        return set()
    counts: Counter[str] = Counter()
    for text in texts:
        keys: set[str] = set()
        for line in text.splitlines():
            if line.strip():
                full, prefix = line_keys(line)
                keys.add(full)
                if prefix is not None:
                    keys.add(prefix)
        counts.update(keys)
    needed = max(min_docs, int(np.ceil(min_fraction * len(texts))))
    return {key for key, n in counts.items() if n >= needed and key and key != _PREFIX_MARK.strip()}


def strip_noise(text: str, noise: set[str]) -> str:
    """``text`` without its noise lines, keeping the paragraph structure.

    Besides the learned lines themselves, two jusText-style context rules remove the items of
    rotating link boxes ("most read", "related stories"), which change from page to page and so
    can never be learned one by one:

    * a paragraph block holding a learned line (the box heading) loses its other lines too when
      all of them are headline-like (at most ``SHORT_LINE_WORDS`` words, starting with a capital,
      digit or quote);
    * a run of one-line headline-like paragraphs is dropped when learned noise bounds it on one
      side and noise or the document edge on the other.  A title sitting between the menu and
      the first body paragraph is kept, because a body paragraph bounds it.

    If stripping would leave nothing (a feed of five copies of one story learns the story as
    "noise"), the text is returned unchanged.
    """
    if not noise or not text:
        return text
    blocks = _blocks(text)
    plan = noise_plan(blocks, lambda line: in_noise_set(line, noise))
    kept = ["\n".join(line for line, keep in zip(lines, keeps) if keep) for lines, keeps in zip(blocks, plan)]
    kept = [block for block in kept if block]
    if not kept:
        return text
    return "\n\n".join(kept)


def noise_plan(blocks: Sequence[Sequence[str]], noisy) -> list[list[bool]]:
    """Which lines of each paragraph block to keep, given ``noisy(line) -> bool`` for learned
    noise: the lines themselves go, plus the context rules of :func:`strip_noise`.  Shared by
    :func:`strip_noise` and the normaliser (which must keep its body-to-raw offset map, so it works
    on its own line records rather than on text)."""
    keeps: list[list[bool]] = []
    kinds: list[str] = []
    for lines in blocks:
        keep = [not noisy(line) for line in lines]
        kept = [line for line, k in zip(lines, keep) if k]
        if len(kept) < len(lines) and all(_headline_like(line) for line in kept):
            keep = [False] * len(lines)  # a learned heading with a list of headline-like items under it
            kept = []
        keeps.append(keep)
        kinds.append(_block_kind(kept))
    _drop_boxed_items(kinds)
    return [
        keep if kind not in ("noise", "boxed") else [False] * len(keep) for keep, kind in zip(keeps, kinds)
    ]


def _blocks(text: str) -> list[list[str]]:
    """Paragraph blocks (separated by blank lines) as lists of stripped non-empty lines."""
    blocks, current = [], []
    for line in text.splitlines():
        line = line.strip()
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


_HEADLINE_START = re.compile(r"^[\W_]*[A-Z0-9\u00C0-\u00DE]")


def _headline_like(line: str) -> bool:
    return len(line.split()) <= SHORT_LINE_WORDS and bool(_HEADLINE_START.match(line))


def _block_kind(lines: list[str]) -> str:
    if not lines:
        return "noise"
    return "item" if len(lines) == 1 and _headline_like(lines[0]) else "text"


def _drop_boxed_items(kinds: list[str]) -> None:
    """Relabel maximal runs of one-line headline-like blocks as ``boxed`` when noise bounds the
    run on one side and noise or a document edge on the other."""
    i, n = 0, len(kinds)
    while i < n:
        if kinds[i] != "item":
            i += 1
            continue
        j = i
        while j < n and kinds[j] == "item":
            j += 1
        before = kinds[i - 1] if i > 0 else "edge"
        after = kinds[j] if j < n else "edge"
        if "noise" in (before, after) and {before, after} <= {"noise", "edge"}:
            kinds[i:j] = ["boxed"] * (j - i)
        i = j
