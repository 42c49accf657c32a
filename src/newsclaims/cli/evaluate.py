"""``newsclaims eval``: scores the pipeline on annotated data (PolNeAR attribution, CoNLL-2003 NER,
labelled stories, the generated near-duplicate benchmark, labelled claim pairs).

Mounted by :mod:`newsclaims.cli.main` with ``app.add_typer(eval_app, name="eval")``. Each command
turns its options into the argument list of the evaluation module's own ``main`` (in
:mod:`newsclaims.evaluation`) and exits with its code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

eval_app = typer.Typer(help="Evaluate the pipeline on annotated data.", no_args_is_help=True)


@eval_app.command("attribution")
def eval_attribution(
    directory: Path = typer.Argument(..., help="PolNeAR split folder (text/ + attributions/)."),
    limit: Optional[int] = typer.Option(None, help="Only the first N articles."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the scores as JSON."),
    keep: Optional[Path] = typer.Option(
        None, help="Build the warehouse in this (new or empty) folder and keep it."
    ),
    errors: Optional[int] = typer.Option(None, help="Print an error analysis with N samples per role."),
    speakers: Optional[Path] = typer.Option(
        None, help="Also score who said what against this referents file (PolNeAR speakers_dev.jsonl)."
    ),
) -> None:
    """Score attributed claims against PolNeAR-format brat standoff (source, cue, content)."""
    from newsclaims.evaluation import attribution

    argv = [str(directory)]
    for flag, value in (
        ("--limit", limit),
        ("--json", json_out),
        ("--keep", keep),
        ("--errors", errors),
        ("--speakers", speakers),
    ):
        if value is not None:
            argv += [flag, str(value)]
    raise typer.Exit(attribution.main(argv))


@eval_app.command("ner")
def eval_ner(
    files: list[Path] = typer.Argument(..., help="CoNLL-2003 format files."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the scores as JSON."),
) -> None:
    """Score the pipeline's named entities (and the raw spaCy model's) on CoNLL-2003 files."""
    from newsclaims.evaluation import ner

    argv = [str(f) for f in files] + (["--json", str(json_out)] if json_out else [])
    raise typer.Exit(ner.main(argv))


@eval_app.command("stories")
def eval_stories(
    file: Path = typer.Argument(..., help="Labelled JSONL: doc_id, text, a gold label (ECB+: subtopic)."),
    split: str = typer.Option("dev", help="Split to score: train, dev, test or all."),
    label: str = typer.Option("subtopic", help="Gold label field."),
    orders: int = typer.Option(5, help="Shuffled arrival orders to score (seeds 0..N-1)."),
    run_size: int = typer.Option(
        10, help="Articles per simulated pipeline run (0: the whole split in one run)."
    ),
    mode: str = typer.Option(
        "revise", help="revise (each run re-clusters its revision window) or single-pass."
    ),
    days_per_run: float = typer.Option(0.0, help="Simulated days between runs (0: all on one day)."),
    revision_days: Optional[int] = typer.Option(
        None, help="Revision window in days (default linking.REVISION_DAYS)."
    ),
    keep: Optional[Path] = typer.Option(None, help="Build the warehouse in this folder and keep it."),
    reuse: Optional[Path] = typer.Option(
        None, help="Score a warehouse an earlier --keep built from the same file."
    ),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the scores as JSON."),
    fit_weights: bool = typer.Option(
        False,
        "--fit-weights",
        help="Instead of scoring, fit the story view weights "
        "and threshold on the split (logistic regression over article pairs) and print them.",
    ),
) -> None:
    """Score the pipeline's story clustering (B-cubed P/R/F1, ARI) against labelled documents."""
    from newsclaims.evaluation import stories_eval

    argv = [
        str(file),
        "--split",
        split,
        "--label",
        label,
        "--orders",
        str(orders),
        "--run-size",
        str(run_size),
        "--mode",
        mode,
        "--days-per-run",
        str(days_per_run),
    ]
    for flag, value in (
        ("--keep", keep),
        ("--reuse", reuse),
        ("--json", json_out),
        ("--revision-days", revision_days),
    ):
        if value is not None:
            argv += [flag, str(value)]
    if fit_weights:
        argv.append("--fit-weights")
    raise typer.Exit(stories_eval.main(argv))


@eval_app.command("neardup")
def eval_neardup(
    corpus: Optional[Path] = typer.Option(
        None, help="Folder of raw articles (default ../shared/eval/bbc_news)."
    ),
    seed: int = typer.Option(0, help="Seed of the generated benchmark (sites, perturbations, order)."),
    max_originals: Optional[int] = typer.Option(None, help="Use only this many original articles."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the scores as JSON."),
) -> None:
    """Near-duplicate benchmark generated from real articles: pairwise P/R against plain MinHash-LSH."""
    from newsclaims.evaluation import neardup_eval

    argv = ["--seed", str(seed)]
    for flag, value in (("--corpus", corpus), ("--max-originals", max_originals), ("--json", json_out)):
        if value is not None:
            argv += [flag, str(value)]
    raise typer.Exit(neardup_eval.main(argv))


@eval_app.command("claim-groups")
def eval_claim_groups(
    pairs: Optional[Path] = typer.Option(None, help="Labelled claim pairs TSV (default: the shipped set)."),
    eval_dir: Optional[Path] = typer.Option(None, help="The eval data folder (default ../shared/eval)."),
    keep: Optional[Path] = typer.Option(None, help="Build the warehouse in this folder and keep it."),
    reuse: Optional[Path] = typer.Option(None, help="Score the warehouse an earlier --keep built."),
    threshold: Optional[float] = typer.Option(
        None, help="Paraphrase cosine threshold (default: the pipeline's)."
    ),
    sweep: bool = typer.Option(False, "--sweep", help="Also score other paraphrase thresholds."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the scores as JSON."),
) -> None:
    """Claim grouping precision and recall on labelled claim pairs, before and with paraphrase."""
    from newsclaims.evaluation import claim_groups_eval

    argv = []
    for flag, value in (
        ("--pairs", pairs),
        ("--eval-dir", eval_dir),
        ("--keep", keep),
        ("--reuse", reuse),
        ("--threshold", threshold),
        ("--json", json_out),
    ):
        if value is not None:
            argv += [flag, str(value)]
    if sweep:
        argv.append("--sweep")
    raise typer.Exit(claim_groups_eval.main(argv))
