"""Page noise learned per feed, as ingest streams the feed's documents.

A site wraps every article in the same template: menus, cookie banners, "most read" boxes,
footers with a changing timestamp.  No outlet profile describes them all, and they make two
different articles of one site look alike while a syndicated copy on another site looks different.
Like Media Cloud's repeated-sentence filter, we count, per feed, in how many documents each line
occurs (lines compared by :func:`newsclaims.ingest.neardup.noise_key`: canonical words, digits masked) and
treat a line as noise once it has been seen in at least ``min_docs`` documents *and* in at least
``min_fraction`` of the feed's recent documents.  The normaliser then removes those lines (plus
the headline lists boxed in by them, see :func:`newsclaims.ingest.neardup.noise_plan`) before near-dup
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
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

from newsclaims.load.lake import atomic_write_bytes
from newsclaims.ingest.neardup import line_keys

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
        return json.dumps({"version": _FORMAT_VERSION, "feed": self.feed, "n_docs": self.n_docs,
                           "counts": self.counts}, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> "FeedNoise":
        obj = json.loads(data)
        if obj.get("version") != _FORMAT_VERSION:
            raise ValueError(f"unknown feed-noise format {obj.get('version')!r}")
        return cls(feed=obj["feed"], n_docs=float(obj["n_docs"]),
                   counts={int(k): float(v) for k, v in obj["counts"].items()})


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
