"""``newsclaims eval attribution DIR``: the command line."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from newsclaims.evaluation import write_json
from newsclaims.evaluation.attribution.data import load_gold, run_pipeline, speaker_inputs
from newsclaims.evaluation.attribution.errors import error_analysis, format_errors
from newsclaims.evaluation.attribution.report import format_report
from newsclaims.evaluation.attribution.scoring import score_documents

# --- command -------------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="newsclaims eval attribution",
        description="Score the pipeline's attributed claims on PolNeAR-format data.",
    )
    p.add_argument("directory", type=Path, help="split folder with text/ and attributions/")
    p.add_argument("--limit", type=int, default=None, help="only the first N articles (sorted by name)")
    p.add_argument("--json", dest="json_out", type=Path, default=None, help="also write scores as JSON")
    p.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="build the warehouse in this (new or empty) folder and keep it",
    )
    p.add_argument(
        "--errors",
        type=int,
        default=0,
        metavar="N",
        help="print error analysis with N sample misses / false alarms per role",
    )
    p.add_argument(
        "--speakers",
        type=Path,
        default=None,
        metavar="FILE",
        help="also score who said what: resolved speakers against the referents in FILE "
        "(speakers_dev.jsonl: the referent of each pronoun or description source)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    t0 = time.perf_counter()
    try:
        docs, paths, notes = load_gold(args.directory, args.limit)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not docs:
        print(f"error: no annotated articles in {args.directory}", file=sys.stderr)
        return 2
    if args.speakers is not None and not args.speakers.is_file():
        print(f"error: --speakers {args.speakers}: no such file", file=sys.stderr)
        return 2
    if args.keep is not None and args.keep.exists() and any(args.keep.iterdir()):
        print(f"error: --keep folder {args.keep} is not empty", file=sys.stderr)
        return 2
    text_dir = Path(args.directory) / "text"
    every = args.limit is None and len(docs) == len(list(text_dir.glob("*.txt")))
    with tempfile.TemporaryDirectory(prefix="newsclaims-eval-") as tmp:
        info = run_pipeline(docs, paths, Path(tmp), args.keep, text_dir if every else None)
    scores = score_documents(docs)
    info.update(
        {
            "split": str(args.directory),
            "n_docs": len(docs),
            "n_extracted": sum(d.status == "article" for d in docs),
            "n_duplicates": sum(d.status == "duplicate" for d in docs),
            "n_rejected": sum(d.status in ("rejected", "missing") for d in docs),
            "n_gold": sum(len(d.gold) for d in docs),
            "n_gold_in_title": sum(
                a.content[0][0] < d.body_start
                for d in docs
                for a in d.gold
                if d.status in ("article", "duplicate")
            ),
            "n_pred": sum(len(d.pred) for d in docs),
            "total_seconds": round(time.perf_counter() - t0, 1),
            "gold_notes": {k: v for k, v in notes.items() if k != "ann_files_used"},
        }
    )
    print(format_report(scores, info))
    if args.speakers is not None:
        from newsclaims.evaluation.speakers import format_speakers, load_referents, score_speakers

        scores["speakers"] = score_speakers(speaker_inputs(docs), load_referents(args.speakers))
        print()
        print(format_speakers(scores["speakers"]))
    errors = None
    if args.errors:
        errors = error_analysis(docs, args.errors)
        print()
        print(format_errors(errors))
    if args.json_out is not None:
        payload = {"info": info, "scores": scores, "gold_files": notes["ann_files_used"]}
        if errors is not None:
            payload["errors"] = errors
        write_json(args.json_out, payload)
    return 0
