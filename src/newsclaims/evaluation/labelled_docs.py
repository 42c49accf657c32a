"""Labelled documents, as the story and claim-group evaluations read them: one JSON object per line with
``doc_id``, ``text`` and a gold label, optionally a split, ``title``, ``published_date`` and ``outlet``
(:func:`load_jsonl`; PTB-tokenised text is detokenised, :func:`detokenize`), and the warehouse the
real pipeline builds from them (:func:`build_warehouse`: the documents written as a JSONL feed, whose
articles' ``raw_path`` ends in ``#doc_id``, :func:`doc_id_of`)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence


@dataclass
class LabelledDoc:
    """One labelled document: its id, text and gold label, and what the feed may also carry."""

    doc_id: str
    text: str
    gold: str
    split: Optional[str] = None
    title: Optional[str] = None
    published_date: Optional[str] = None
    outlet: Optional[str] = None


_PTB = [
    (re.compile(r"``\s*"), '"'),
    (re.compile(r"\s*''"), '"'),
    (re.compile(r" (['’](?:s|re|ve|ll|d|m)|n['’]t)\b", re.I), r"\1"),
    (re.compile(r" ([,.;:!?%)\]}])"), r"\1"),
    (re.compile(r"([(\[{$£]) "), r"\1"),
    (re.compile(r" - "), "-"),
]
_PTB_HINT = re.compile(r"``| '' | n't\b| 's\b| [,.;:] ")


def detokenize(text: str) -> str:
    """Undo PTB-style tokenisation line by line ("Reid 's" -> "Reid's", ``x'' -> "x")."""
    lines = []
    for line in text.split("\n"):
        for pattern, repl in _PTB:
            line = pattern.sub(repl, line)
        lines.append(line.strip())
    return "\n".join(lines)


def _split_of(row: dict) -> Optional[str]:
    return row.get("split_cv2015", row.get("split"))


def load_jsonl(path: Path, *, split: Optional[str] = None, label: str = "subtopic") -> list[LabelledDoc]:
    """Labelled documents of ``split`` (all when None or when the file has no split field), in file
    order; PTB-tokenised text is detokenised."""
    with open(path, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    has_split = any(_split_of(r) is not None for r in rows)
    out = []
    for row in rows:
        if split is not None and has_split and _split_of(row) != split:
            continue
        text = row["text"]
        if _PTB_HINT.search(text):
            text = detokenize(text)
        out.append(
            LabelledDoc(
                str(row["doc_id"]),
                text,
                str(row[label]),
                _split_of(row),
                row.get("title"),
                row.get("published_date"),
                row.get("outlet"),
            )
        )
    return out


def build_warehouse(docs: Sequence[LabelledDoc], workdir: Path):
    """Run the real pipeline on the documents (a JSONL feed) into ``workdir/wh``."""
    from newsclaims.pipeline import run_local
    from newsclaims.settings import Warehouse

    workdir.mkdir(parents=True, exist_ok=True)
    feed = workdir / "docs.jsonl"
    with open(feed, "w", encoding="utf-8") as out:
        for d in docs:
            out.write(
                json.dumps(
                    {
                        "doc_id": d.doc_id,
                        "title": d.title,
                        "text": d.text,
                        "published_date": d.published_date,
                        "outlet": d.outlet,
                    }
                )
                + "\n"
            )
    sources = workdir / "sources.toml"
    sources.write_text(
        '[[sources]]\nname = "labelled"\nkind = "jsonl"\npath = "docs.jsonl"\n'
        'outlet = "Unknown"\n'
        'fields = { text = "text", title = "title", date = "published_date", id = "doc_id", '
        'outlet = "outlet" }\n',
        encoding="utf-8",
    )
    wh = Warehouse.resolve(workdir / "wh")
    run_local(sources, wh)
    return wh


def doc_id_of(raw_path: str) -> str:
    """The ``doc_id`` of the document an article of :func:`build_warehouse`'s feed came from."""
    return raw_path.rsplit("#", 1)[-1]
