"""The ``newsclaims`` command line."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from newsclaims import constants as C
from newsclaims import settings as S
from newsclaims.cli.options import WarehouseOpt
from newsclaims.load.sql import named_query
from newsclaims.settings import ENV_LAKE

app = typer.Typer(
    help="newsclaims: raw news text into a DuckDB warehouse of who said what.",
    no_args_is_help=True,
    add_completion=False,
)


def _mount_subcommands() -> None:
    from newsclaims.cli.evaluate import eval_app
    from newsclaims.cli.report import report_app
    from newsclaims.cli.sources import serve, sources_app

    app.add_typer(eval_app, name="eval")
    app.add_typer(report_app, name="report")
    app.add_typer(sources_app, name="sources")
    app.command("serve")(serve)


_mount_subcommands()
console = Console()
err = Console(stderr=True)


def _quiet_prefect(verbose: bool) -> None:
    """Prefect settings must be in the environment before prefect is imported."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    # Prefect's temporary API server gives up after 20 s by default, which a busy machine can exceed
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    if not verbose:  # a failed run is reported in one line by the CLI, not by Prefect's tracebacks
        for logger in ("FLOW_RUNS", "TASK_RUNS"):
            os.environ.setdefault(f"PREFECT_LOGGING_LOGGERS_PREFECT_{logger}_LEVEL", "CRITICAL")


def _fail(label: str, message: str, code: int, style: str = "red") -> None:
    """One line on stderr (never wrapped, never read as markup), then exit with ``code``."""
    from rich.markup import escape

    err.print(
        f"[{style}]{escape(label)}[/]{' ' if label else ''}{escape(message)}", highlight=False, soft_wrap=True
    )
    raise typer.Exit(code)


def _table(
    cols: list[str], rows: list[tuple], title: Optional[str] = None, max_width: Optional[int] = 80
) -> Table:
    t = Table(title=title, show_lines=False)
    for c in cols:
        t.add_column(c, overflow="fold", max_width=max_width)
    for r in rows:
        t.add_row(*[Text("" if v is None else str(v)) for v in r])  # article text is data, not markup
    return t


@app.command()
def run(
    sources: Optional[Path] = typer.Option(
        None,
        "--sources",
        "-s",
        envvar=S.ENV_SOURCES,
        help="Sources file (TOML). [default: ./seeds/sources.toml]",
    ),
    warehouse: Optional[Path] = WarehouseOpt,
    engine: bool = typer.Option(
        True, "--prefect/--no-prefect", help="Run as a Prefect flow (default) or as plain functions."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show Prefect's task logs."),
    wait: Optional[float] = typer.Option(
        None,
        "--wait",
        help="Seconds to wait for a run already using this warehouse (default: until it "
        "ends; 0: exit at once with a message).",
    ),
    runner: str = typer.Option(
        "default",
        "--runner",
        help="Where extraction tasks run: default (this process), dask (a local "
        "Dask cluster, 2 workers) or dask=ADDRESS (a scheduler, e.g. "
        "dask=tcp://host:8786).",
    ),
    lake: Optional[str] = typer.Option(
        None,
        "--lake",
        envvar=ENV_LAKE,
        help="Where the Parquet lake lives: a folder or s3://bucket/prefix (default: the warehouse's lake/ "
        "folder). S3 settings come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION and "
        "NEWSCLAIMS_S3_ENDPOINT or AWS_ENDPOINT_URL.",
    ),
    batch_size: int = typer.Option(
        C.DEFAULT_BATCH_SIZE, "--batch-size", min=1, help="Articles per extraction task."
    ),
) -> None:
    """Run the pipeline (ingest, extract, load) and print what it found."""
    from newsclaims import runlog
    from newsclaims.ingest.sources.registry import SourcesFileError
    from newsclaims.load.locking import WarehouseLocked
    from newsclaims.load.storage import LakeLocationError
    from newsclaims.runners import parse_runner
    from newsclaims.settings import Warehouse, resolve_sources_file

    sources_file = resolve_sources_file(sources)
    try:
        spec = parse_runner(runner)
        wh = Warehouse.resolve(warehouse, lake)
    except (ValueError, LakeLocationError) as exc:
        _fail("", str(exc), 2)
    if spec.distributed and not engine:
        _fail("", "--runner dask needs the Prefect engine (drop --no-prefect)", 2)
    try:
        with runlog.handlers():  # Ctrl-C / SIGTERM: one line, exit 130 / 143 (see runlog)
            summary = _run(engine, verbose, spec, sources_file, wh, wait, batch_size)
    except SourcesFileError as exc:
        _fail("invalid sources file:", str(exc), 2)
    except WarehouseLocked as exc:
        _fail("", str(exc), 75, "yellow")  # EX_TEMPFAIL: try again later
    except (FileNotFoundError, NotADirectoryError) as exc:
        _fail("run failed:", runlog.one_line(exc), 66)  # EX_NOINPUT: an input file or folder is missing
    except Exception as exc:
        if verbose:
            raise
        _fail("run failed:", f"{runlog.one_line(exc)} (--verbose shows the traceback)", 1)
    _print_summary(summary, wh)
    if getattr(summary, "status", "completed") == "load_deferred":  # readers held the database
        err.print(Text(f"not loaded: {summary.message}", style="yellow"))
        raise typer.Exit(75)


def _run(engine: bool, verbose: bool, spec, sources_file: Path, wh, wait: Optional[float], batch_size: int):
    if engine:
        _quiet_prefect(verbose)
        from newsclaims import runlog
        from newsclaims.flows.pipeline import run_pipeline

        runlog.isolate_prefect_server(quiet=not verbose)  # Ctrl-C reaches this process, which stops it

        with console.status(f"running the newsclaims-pipeline flow ({spec.describe()})..."):
            return run_pipeline(
                str(sources_file), str(wh.root), wait, lake=wh.lake_uri, batch_size=batch_size, runner=spec
            )
    from newsclaims.pipeline import run_local

    with console.status("running the pipeline..."):
        return run_local(sources_file, wh, wait=wait, batch_size=batch_size)


def _print_summary(summary, wh) -> None:
    from newsclaims.load import database

    t = Table(title=f"run {summary.run_id}", show_header=False)
    t.add_column("what")
    t.add_column("count", justify="right")
    for label, value in [
        ("documents read", summary.n_documents),
        ("new articles", summary.n_articles),
        ("duplicates", summary.n_duplicates),
        ("rejects", summary.n_rejects),
        ("already seen", summary.n_skipped),
        ("mentions", summary.n_mentions),
        ("claims", summary.n_claims),
        ("entities in warehouse", summary.n_entities),
    ]:
        t.add_row(label, str(value))
    console.print(t)
    for name, why in getattr(summary, "source_failures", {}).items():  # the others were read
        console.print(Text(f"source {name} failed: {why}", style="yellow"))
    stages = ", ".join(f"{k} {v:.1f}s" for k, v in summary.stage_seconds.items())
    console.print(f"stages: {stages}")
    console.print(f"warehouse: {wh.database}")
    if summary.n_claims:
        cols, rows = database.query(
            wh,
            """
            SELECT speaker, outlet, kind, cue, content FROM who_said_what
            WHERE article_id IN (SELECT article_id FROM articles WHERE run_id = ?)
            ORDER BY outlet, published_date, claim_id LIMIT 12""",
            [summary.run_id],
        )
        rows = [(*r[:-1], shorten_words(r[-1], 90)) for r in rows]
        console.print(_table(cols, rows, "who said what (this run, first 12)"))


_ANSI = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|[@-Z\\-_])"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(value) -> str:
    """A value as text a terminal shows as it is: escape sequences (colours, cursor moves, titles,
    hyperlinks) removed, other control characters shown as \\xNN."""
    text = "" if value is None else str(value)
    text = _ANSI.sub("", text)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


DEFAULT_MAX_ROWS = 40


def shorten_words(text: Optional[str], width: int) -> str:
    """At most ``width`` characters, cut at a word boundary and marked with an ellipsis when cut."""
    text = " ".join((text or "").split())
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if " " in cut and not text[width - 1].isspace():
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


@app.command()
def query(
    sql: str = typer.Argument(..., help="One SELECT statement (read-only, no file or network access)."),
    warehouse: Optional[Path] = WarehouseOpt,
    fmt: str = typer.Option("table", "--format", "-f", help="table | csv | json"),
    max_rows: Optional[int] = typer.Option(
        None,
        "--max-rows",
        min=0,
        help=f"Rows shown in a terminal table (default {DEFAULT_MAX_ROWS}; 0: all). "
        "Pipes and --format csv|json get every row.",
    ),
    timeout: Optional[float] = typer.Option(
        None,
        "--timeout",
        min=0,
        help="Stop the query after this many seconds (default NEWSCLAIMS_QUERY_SECONDS or 30; 0: no limit).",
    ),
) -> None:
    """Run one read-only SELECT against the warehouse (its read copy) and print the result."""
    import duckdb

    from newsclaims.load import database
    from newsclaims.settings import Warehouse

    if fmt not in ("table", "csv", "json"):
        err.print(f"[red]--format must be table, csv or json, not {fmt!r}[/]")
        raise typer.Exit(2)
    tty = console.is_terminal
    limit = (DEFAULT_MAX_ROWS if max_rows is None else max_rows) if fmt == "table" and tty else 0
    wh = Warehouse.resolve(warehouse)
    try:
        cols, rows, left_out = database.safe_query(wh, sql, seconds=timeout, keep=limit or None)
    except (database.WarehouseBusy, FileNotFoundError, database.QueryRefused) as exc:
        err.print(Text(terminal_safe(exc), style="red"))
        raise typer.Exit(1)
    except duckdb.Error as exc:
        err.print(Text("query failed: " + terminal_safe(exc), style="red"))
        raise typer.Exit(1)
    if fmt == "json":
        if tty:
            rows = [tuple(terminal_safe(v) if isinstance(v, str) else v for v in r) for r in rows]
        sys.stdout.write(json.dumps([dict(zip(cols, r)) for r in rows], default=str, indent=2) + "\n")
    elif fmt == "csv":
        import csv

        w = csv.writer(sys.stdout)
        w.writerow(cols)
        w.writerows(
            (tuple(terminal_safe(v) if isinstance(v, str) else v for v in r) for r in rows) if tty else rows
        )
    else:
        shown = [tuple(terminal_safe(v) if v is not None else None for v in r) for r in rows]
        console.print(_table([terminal_safe(c) for c in cols], shown))
        if left_out:
            console.print(
                f"{len(rows)} of {len(rows) + left_out} rows shown ({left_out} left out; "
                "--max-rows N, --max-rows 0 for all, or --format csv|json)",
                highlight=False,
            )
        else:
            console.print(f"{len(rows)} row(s)", highlight=False)


@app.command()
def status(
    warehouse: Optional[Path] = WarehouseOpt,
    limit: int = typer.Option(10, help="How many recent runs to show."),
) -> None:
    """Show recent runs and the row count of every table."""
    from newsclaims.load import database
    from newsclaims.settings import Warehouse

    wh = Warehouse.resolve(warehouse)
    try:
        # runs.reason came with migration 004: a warehouse last loaded before it has none
        reason = "reason" if "reason" in database.query(wh, "SELECT * FROM runs LIMIT 0")[0] else "NULL"
        cols, rows = database.query(
            wh,
            f"""
            SELECT run_id, status,  -- the run id says when it started (rYYYYMMDDTHHMMSS)
                   round(epoch(finished_at - started_at), 1) AS secs,
                   n_documents AS docs, n_articles AS new, n_duplicates AS dups, n_rejects AS rej,
                   n_skipped AS seen, n_claims AS claims, {reason} AS reason
            FROM runs ORDER BY started_at DESC LIMIT {int(limit)}""",
        )
        counts = database.table_counts(wh)
    except (database.WarehouseBusy, FileNotFoundError) as exc:
        _fail("", str(exc), 1)
    from rich import box

    t = Table(title="recent runs", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for c in cols[:-1]:
        t.add_column(
            c, no_wrap=True, min_width=len(c), justify="left" if c in ("run_id", "status") else "right"
        )
    for r in rows:
        t.add_row(*[Text("" if v is None else str(v)) for v in r[:-1]])
    console.print(t)
    for r in rows:  # why a run did not complete, one line each
        if r[-1]:
            console.print(Text(f"{r[0]} {r[1]}: {r[-1]}"), soft_wrap=True)
    console.print(_table(["table", "rows"], sorted(counts.items()), f"tables in {wh.database}"))


@app.command("schema")
def schema(
    table: Optional[str] = typer.Argument(None, help="A table or view: its columns, types and meanings."),
    warehouse: Optional[Path] = WarehouseOpt,
) -> None:
    """What each table, view and column means (the descriptions stored in the database)."""
    from newsclaims.load import database, schema_doc
    from newsclaims.settings import Warehouse

    wh = Warehouse.resolve(warehouse)
    try:
        if table is None:
            cols, rows = database.query(wh, named_query("cli_schema_objects"))
        else:
            cols, rows = database.query(
                wh,
                """
                SELECT column_name AS "column", data_type AS type, comment AS description FROM duckdb_columns()
                WHERE table_name = ? AND schema_name = 'main' AND database_name = current_database()
                ORDER BY column_index""",
                [table],
            )
            found = schema_doc.describe(table)
            head = database.query(
                wh,
                """
                SELECT comment FROM duckdb_tables() WHERE table_name = ? AND database_name = current_database()
                UNION ALL SELECT comment FROM duckdb_views() WHERE view_name = ? AND database_name = current_database()""",
                [table, table],
            )[1]
            if not rows:
                _fail("", f"no table or view {table!r} in {wh.database} (`newsclaims schema` lists them)", 2)
            note = (head[0][0] if head and head[0][0] else None) or (
                found[1].get("description") if found else ""
            )
            if note:
                console.print(Text(f"{table}: {note}"), soft_wrap=True)
    except (database.WarehouseBusy, FileNotFoundError) as exc:
        _fail("", str(exc), 1)
    # a warehouse not loaded since a description was added: the schema document has it
    if table is None:
        rows = [(n, k, d or (schema_doc.describe(n) or ("", {}))[1].get("description")) for n, k, d in rows]
    else:
        doc_cols = (schema_doc.describe(table) or ("", {}))[1].get("columns") or {}
        rows = [(c, t, d or doc_cols.get(c)) for c, t, d in rows]
    console.print(_table(cols, rows, max_width=100))


@app.command("stories")
def stories(
    since: Optional[str] = typer.Option(
        None, "--since", help="Only stories with an article published on or after this date (YYYY-MM-DD)."
    ),
    outlet: Optional[str] = typer.Option(
        None, "--outlet", help="Only stories this outlet carried (case-insensitive)."
    ),
    search: Optional[str] = typer.Option(
        None, "--search", help="Only stories whose headlines contain all these words."
    ),
    limit: int = typer.Option(
        40, "--limit", "-n", help="How many (most recently ingested first); 0 for all."
    ),
    warehouse: Optional[Path] = WarehouseOpt,
) -> None:
    """Stories with their ids, article and outlet counts and dates, most recently ingested first."""
    import datetime as dt

    where, params = [], []
    if since:
        try:
            day = dt.date.fromisoformat(since)
        except ValueError:
            _fail("", f"--since {since!r}: expected a date, YYYY-MM-DD", 2)
        where.append(
            "s.story_id IN (SELECT story_id FROM article_stories JOIN articles USING (article_id) "
            "WHERE published_date >= ?)"
        )
        params.append(day)
    if outlet:
        where.append(
            "s.story_id IN (SELECT story_id FROM article_stories JOIN articles USING (article_id) "
            "WHERE lower(outlet) = lower(?) UNION SELECT st.story_id FROM duplicates d "
            "JOIN article_stories st ON st.article_id = d.duplicate_of WHERE lower(d.outlet) = lower(?))"
        )
        params += [outlet, outlet]
    for word in (search or "").split():
        where.append(
            "s.story_id IN (SELECT story_id FROM article_stories JOIN articles USING (article_id) "
            "WHERE title ILIKE ?)"
        )
        params.append(f"%{word}%")
    sql = f"""
        SELECT s.story_id, s.n_articles AS arts, s.n_outlets AS outlets, s.first_seen AS first,
               s.last_seen AS last, s.title
        FROM stories s JOIN article_stories st USING (story_id) JOIN articles a USING (article_id)
        {"WHERE " + " AND ".join(where) if where else ""}
        GROUP BY ALL ORDER BY max(a.ingested_at) DESC, s.story_id"""
    _list_rows(
        wh_sql=(sql, params),
        warehouse=warehouse,
        limit=limit,
        what="stories",
        hint="most recently ingested first; `newsclaims report story ID` opens one",
    )


@app.command("entities")
def entities(
    type_: Optional[str] = typer.Option(None, "--type", "-t", help="Only this type: PERSON, ORG, GPE, ..."),
    search: Optional[str] = typer.Option(
        None, "--search", help="Only entities whose name or an alias contains this."
    ),
    limit: int = typer.Option(40, "--limit", "-n", help="How many (most mentioned first); 0 for all."),
    warehouse: Optional[Path] = WarehouseOpt,
) -> None:
    """Entities with their ids, types, mention and claim counts and dates, most mentioned first."""
    where, params = [], []
    if type_:
        where.append("upper(e.type) = upper(?)")
        params.append(type_)
    if search:
        where.append("(e.name ILIKE ? OR list_bool_or([a ILIKE ? FOR a IN e.aliases]))")
        params += [f"%{search}%", f"%{search}%"]
    sql = f"""
        SELECT e.entity_id, e.type, e.mention_count AS mentions,
               (SELECT count(*) FROM claims c WHERE c.speaker_entity_id = e.entity_id) AS claims,
               e.first_seen AS first, e.last_seen AS last, e.name
        FROM entities e {"WHERE " + " AND ".join(where) if where else ""}
        ORDER BY e.mention_count DESC, e.entity_id"""
    _list_rows(
        wh_sql=(sql, params),
        warehouse=warehouse,
        limit=limit,
        what="entities",
        hint="most mentioned first; `newsclaims report entity ID` opens one",
    )


def _list_rows(wh_sql: tuple[str, list], warehouse: Optional[Path], limit: int, what: str, hint: str) -> None:
    from newsclaims.load import database
    from newsclaims.settings import Warehouse

    wh = Warehouse.resolve(warehouse)
    sql, params = wh_sql
    try:
        cols, rows = database.query(wh, sql, params)
    except (database.WarehouseBusy, FileNotFoundError) as exc:
        _fail("", str(exc), 1)
    shown = rows if limit <= 0 else rows[:limit]
    from rich import box

    t = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for i, c in enumerate(cols):  # only the last column (a title or name) wraps
        last = i == len(cols) - 1
        t.add_column(
            c,
            no_wrap=not last,
            overflow="fold",
            min_width=len(c),
            justify="right" if rows and isinstance(rows[0][i], int) else "left",
        )
    for r in shown:
        t.add_row(*[Text("" if v is None else str(v)) for v in r])
    console.print(t)
    more = f" (the first {len(shown)}; --limit 0 for all)" if len(shown) < len(rows) else ""
    console.print(f"{len(rows)} {what}{more}; {hint}", highlight=False)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
