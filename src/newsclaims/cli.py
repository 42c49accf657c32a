"""The ``newsclaims`` command line."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from newsclaims import constants as C

app = typer.Typer(help="newsclaims: raw news text into a DuckDB warehouse of who said what.",
                  no_args_is_help=True, add_completion=False)
eval_app = typer.Typer(help="Evaluate the pipeline on annotated data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


def _mount_subcommands() -> None:
    from newsclaims.cli_report import report_app
    from newsclaims.cli_sources import serve, sources_app

    app.add_typer(report_app, name="report")
    app.add_typer(sources_app, name="sources")
    app.command("serve")(serve)


_mount_subcommands()
console = Console()
err = Console(stderr=True)

WarehouseOpt = typer.Option(None, "--warehouse", "-w", envvar=C.ENV_WAREHOUSE,
                            help="Warehouse folder (database + Parquet lake). [default: ./warehouse]")


def _quiet_prefect(verbose: bool) -> None:
    """Prefect settings must be in the environment before prefect is imported."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")


def _table(cols: list[str], rows: list[tuple], title: Optional[str] = None, max_width: int = 80) -> Table:
    t = Table(title=title, show_lines=False)
    for c in cols:
        t.add_column(c, overflow="fold", max_width=max_width)
    for r in rows:
        t.add_row(*[Text("" if v is None else str(v)) for v in r])  # article text is data, not markup
    return t


@app.command()
def run(
    sources: Optional[Path] = typer.Option(None, "--sources", "-s", envvar=C.ENV_SOURCES,
                                           help="Sources file (TOML). [default: ./seeds/sources.toml]"),
    warehouse: Optional[Path] = WarehouseOpt,
    engine: bool = typer.Option(True, "--prefect/--no-prefect",
                                help="Run as a Prefect flow (default) or as plain functions."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show Prefect's task logs."),
    wait: Optional[float] = typer.Option(
        None, "--wait", help="Seconds to wait for a run already using this warehouse (default: until it "
                             "ends; 0: exit at once with a message)."),
    runner: str = typer.Option(
        "default", "--runner", help="Where extraction tasks run: default (this process), dask (a local "
                                    "Dask cluster, 2 workers) or dask=ADDRESS (a scheduler, e.g. "
                                    "dask=tcp://host:8786)."),
    lake: Optional[str] = typer.Option(
        None, "--lake", envvar="NEWSCLAIMS_LAKE",
        help="Where the Parquet lake lives: a folder or s3://bucket/prefix (default: the warehouse's lake/ "
             "folder). S3 settings come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION and "
             "NEWSCLAIMS_S3_ENDPOINT or AWS_ENDPOINT_URL."),
    batch_size: int = typer.Option(C.DEFAULT_BATCH_SIZE, "--batch-size", min=1,
                                   help="Articles per extraction task."),
) -> None:
    """Run the pipeline (ingest, extract, load) and print what it found."""
    from newsclaims.locking import WarehouseLocked
    from newsclaims.runners import parse_runner
    from newsclaims.settings import Warehouse, resolve_sources_file
    from newsclaims.sources.registry import SourcesFileError
    from newsclaims.storage import LakeLocationError

    sources_file = resolve_sources_file(sources)
    try:
        spec = parse_runner(runner)
        wh = Warehouse.resolve(warehouse, lake)
    except (ValueError, LakeLocationError) as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(2)
    if spec.distributed and not engine:
        err.print("[red]--runner dask needs the Prefect engine (drop --no-prefect)[/]")
        raise typer.Exit(2)
    try:
        if engine:
            _quiet_prefect(verbose)
            from newsclaims.flows.pipeline import run_pipeline

            with console.status(f"running the newsclaims-pipeline flow ({spec.describe()})..."):
                summary = run_pipeline(str(sources_file), str(wh.root), wait, lake=wh.lake_uri,
                                       batch_size=batch_size, runner=spec)
        else:
            from newsclaims.pipeline import run_local

            with console.status("running the pipeline..."):
                summary = run_local(sources_file, wh, wait=wait, batch_size=batch_size)
    except SourcesFileError as exc:
        err.print(f"[red]invalid sources file:[/] {exc}")
        raise typer.Exit(2)
    except WarehouseLocked as exc:
        err.print(f"[yellow]{exc}[/]")
        raise typer.Exit(75)  # EX_TEMPFAIL: try again later
    _print_summary(summary, wh)


def _print_summary(summary, wh) -> None:
    from newsclaims import warehouse as W

    t = Table(title=f"run {summary.run_id}", show_header=False)
    t.add_column("what")
    t.add_column("count", justify="right")
    for label, value in [("documents read", summary.n_documents), ("new articles", summary.n_articles),
                         ("duplicates", summary.n_duplicates), ("rejects", summary.n_rejects),
                         ("already seen", summary.n_skipped), ("mentions", summary.n_mentions),
                         ("claims", summary.n_claims), ("entities in warehouse", summary.n_entities)]:
        t.add_row(label, str(value))
    console.print(t)
    stages = ", ".join(f"{k} {v:.1f}s" for k, v in summary.stage_seconds.items())
    console.print(f"stages: {stages}")
    console.print(f"warehouse: {wh.database}")
    if summary.n_claims:
        cols, rows = W.query(wh, """
            SELECT speaker, outlet, kind, cue, left(content, 90) AS content FROM who_said_what
            WHERE article_id IN (SELECT article_id FROM articles WHERE run_id = ?)
            ORDER BY outlet, published_date, claim_id LIMIT 12""", [summary.run_id])
        console.print(_table(cols, rows, "who said what (this run, first 12)"))


@app.command()
def query(
    sql: str = typer.Argument(..., help="SQL to run (read-only connection)."),
    warehouse: Optional[Path] = WarehouseOpt,
    fmt: str = typer.Option("table", "--format", "-f", help="table | csv | json"),
) -> None:
    """Run read-only SQL against the warehouse and print the result."""
    import duckdb

    from newsclaims import warehouse as W
    from newsclaims.settings import Warehouse

    wh = Warehouse.resolve(warehouse)
    try:
        cols, rows = W.query(wh, sql)
    except (W.WarehouseBusy, FileNotFoundError) as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(1)
    except duckdb.Error as exc:
        err.print(f"[red]query failed:[/] {exc}")
        raise typer.Exit(1)
    if fmt == "json":
        console.print_json(json.dumps([dict(zip(cols, r)) for r in rows], default=str))
    elif fmt == "csv":
        import csv

        w = csv.writer(sys.stdout)
        w.writerow(cols)
        w.writerows(rows)
    else:
        console.print(_table(cols, rows))
        console.print(f"{len(rows)} row(s)")


@app.command()
def status(warehouse: Optional[Path] = WarehouseOpt,
           limit: int = typer.Option(10, help="How many recent runs to show.")) -> None:
    """Show recent runs and the row count of every table."""
    from newsclaims import warehouse as W
    from newsclaims.settings import Warehouse

    wh = Warehouse.resolve(warehouse)
    try:
        cols, rows = W.query(wh, f"""
            SELECT run_id, status, strftime(started_at, '%Y-%m-%d %H:%M:%S') AS started,
                   round(epoch(finished_at - started_at), 1) AS seconds,
                   n_documents AS docs, n_articles AS new, n_duplicates AS dups, n_rejects AS rejects,
                   n_skipped AS seen, n_claims AS claims
            FROM runs ORDER BY started_at DESC LIMIT {int(limit)}""")
        counts = W.table_counts(wh)
    except (W.WarehouseBusy, FileNotFoundError) as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(1)
    console.print(_table(cols, rows, "recent runs"))
    console.print(_table(["table", "rows"], sorted(counts.items()), f"tables in {wh.database}"))


@eval_app.command("attribution")
def eval_attribution(
    directory: Path = typer.Argument(..., help="PolNeAR split folder (text/ + attributions/)."),
    limit: Optional[int] = typer.Option(None, help="Only the first N articles."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the scores as JSON."),
    keep: Optional[Path] = typer.Option(None, help="Build the warehouse in this (new or empty) folder and keep it."),
    errors: Optional[int] = typer.Option(None, help="Print an error analysis with N samples per role."),
) -> None:
    """Score attributed claims against PolNeAR-format brat standoff (source, cue, content)."""
    from newsclaims.evaluation import attribution

    argv = [str(directory)]
    for flag, value in (("--limit", limit), ("--json", json_out), ("--keep", keep), ("--errors", errors)):
        if value is not None:
            argv += [flag, str(value)]
    raise typer.Exit(attribution.main(argv))


@eval_app.command("ner")
def eval_ner(files: list[Path] = typer.Argument(..., help="CoNLL-2003 format files."),
             json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the scores as JSON.")) -> None:
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
    run_size: int = typer.Option(1, help="Articles per simulated pipeline run."),
    keep: Optional[Path] = typer.Option(None, help="Build the warehouse in this folder and keep it."),
    reuse: Optional[Path] = typer.Option(None, help="Score a warehouse an earlier --keep built from the same file."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the scores as JSON."),
    fit_weights: bool = typer.Option(False, "--fit-weights", help="Instead of scoring, fit the story view weights "
                                     "and threshold on the split (logistic regression over article pairs) and print them."),
) -> None:
    """Score the pipeline's story clustering (B-cubed P/R/F1, ARI) against labelled documents."""
    from newsclaims.evaluation import stories_eval

    argv = [str(file), "--split", split, "--label", label, "--orders", str(orders), "--run-size", str(run_size)]
    for flag, value in (("--keep", keep), ("--reuse", reuse), ("--json", json_out)):
        if value is not None:
            argv += [flag, str(value)]
    if fit_weights:
        argv.append("--fit-weights")
    raise typer.Exit(stories_eval.main(argv))


@eval_app.command("neardup")
def eval_neardup(
    corpus: Optional[Path] = typer.Option(None, help="Folder of raw articles (default ../shared/eval/bbc_news)."),
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
    threshold: Optional[float] = typer.Option(None, help="Paraphrase cosine threshold (default: the pipeline's)."),
    sweep: bool = typer.Option(False, "--sweep", help="Also score other paraphrase thresholds."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the scores as JSON."),
) -> None:
    """Claim grouping precision and recall on labelled claim pairs, before and with paraphrase."""
    from newsclaims.evaluation import claim_groups_eval

    argv = []
    for flag, value in (("--pairs", pairs), ("--eval-dir", eval_dir), ("--keep", keep), ("--reuse", reuse),
                        ("--threshold", threshold), ("--json", json_out)):
        if value is not None:
            argv += [flag, str(value)]
    if sweep:
        argv.append("--sweep")
    raise typer.Exit(claim_groups_eval.main(argv))


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
