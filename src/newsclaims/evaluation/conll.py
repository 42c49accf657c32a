"""CoNLL-2003 files as the NER evaluation (:mod:`newsclaims.evaluation.ner`) reads them: documents of
tokens, tags and sentences (:func:`read_conll`), IOB tags as entity token ranges (:func:`iob_spans`),
the text a document becomes (:func:`render`: tokens joined by single spaces, a blank line between
sentences) and its gold entities as character spans of that text (:func:`gold_spans`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence


@dataclass
class ConllDoc:
    """One ``-DOCSTART-`` document: its tokens, their NER tags and its sentences."""

    doc_id: str
    tokens: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)  # token index ranges [s, e)


def read_conll(path: str | Path, *, name: Optional[str] = None) -> list[ConllDoc]:
    """Documents of a CoNLL-2003 file (word first column, NER tag last; ``-DOCSTART-`` separates).

    Empty chunks are dropped, so a file whose first ``-DOCSTART-`` sits at its end (a known quirk of
    public copies) still yields one document per ``-DOCSTART-``.
    """
    name = name or Path(path).name
    docs: list[ConllDoc] = []
    cur = ConllDoc("")
    sent_start: Optional[int] = None

    def end_sentence() -> None:
        nonlocal sent_start
        if sent_start is not None and len(cur.tokens) > sent_start:
            cur.sentences.append((sent_start, len(cur.tokens)))
        sent_start = None

    def end_doc() -> None:
        nonlocal cur
        end_sentence()
        if cur.tokens:
            cur.doc_id = f"{name}:{len(docs) + 1:04d}"
            docs.append(cur)
        cur = ConllDoc("")

    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parts = line.split()
            if not parts:
                end_sentence()
                continue
            if parts[0] == "-DOCSTART-":
                end_doc()
                continue
            if sent_start is None:
                sent_start = len(cur.tokens)
            cur.tokens.append(parts[0])
            cur.tags.append(parts[-1] if len(parts) > 1 else "O")
    end_doc()
    return docs


def iob_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Entity token ranges ``(start, end, type)`` from IOB1 or IOB2 tags (conlleval semantics).

    ``I-X`` continues an entity of type X and starts one otherwise; ``B-X`` always starts one.
    """
    out: list[tuple[int, int, str]] = []
    start, typ = None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, _, t = tag.partition("-") if tag != "O" else ("O", "", "")
        begins = prefix == "B" or (prefix == "I" and t != typ)
        if typ is not None and (prefix == "O" or begins):
            out.append((start, i, typ))
            start, typ = None, None
        if prefix in ("B", "I") and (begins or typ is None):
            start, typ = i, t
    return out


def render(doc: ConllDoc) -> tuple[str, list[tuple[int, int]]]:
    """The document as text (tokens joined by spaces, a blank line between sentences) and the
    character range of every token."""
    parts: list[str] = []
    offsets: list[tuple[int, int]] = [(0, 0)] * len(doc.tokens)
    pos = 0
    for k, (s, e) in enumerate(doc.sentences):
        if k:
            parts.append("\n\n")
            pos += 2
        for i in range(s, e):
            if i > s:
                parts.append(" ")
                pos += 1
            parts.append(doc.tokens[i])
            offsets[i] = (pos, pos + len(doc.tokens[i]))
            pos += len(doc.tokens[i])
    parts.append("\n")
    return "".join(parts), offsets


@dataclass(frozen=True)
class Span:
    """A gold entity: a character range ``[start, end)`` and its CoNLL type."""

    start: int
    end: int
    label: str


def gold_spans(doc: ConllDoc, offsets: list[tuple[int, int]]) -> list[Span]:
    """Gold entities as character spans (an entity never crosses a sentence boundary)."""
    out = []
    for ss, se in doc.sentences:
        for s, e, t in iob_spans(doc.tags[ss:se]):
            out.append(Span(offsets[ss + s][0], offsets[ss + e - 1][1], t))
    return out
