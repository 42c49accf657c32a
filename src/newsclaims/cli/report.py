"""``newsclaims report``: story dossiers, entity pages and run health as HTML, Markdown or terminal tables.

Mounted in cli.py with ``app.add_typer(report_app, name="report")``. Reports open the warehouse read-only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Optional

import typer

from newsclaims.cli.options import WarehouseOpt

report_app = typer.Typer(
    help="Reports people read: story dossiers, entities and run health "
    "(HTML page, Markdown or terminal tables).",
    no_args_is_help=True,
)

FORMATS = ("html", "md", "term")
OutOpt = typer.Option(
    None,
    "--out",
    "-o",
    help="Write the report to this file (html: default WAREHOUSE/reports/KIND-ID.html; md: default stdout).",
)
FormatOpt = typer.Option("html", "--format", "-f", help="html (a self-contained page) | md | term")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:80] or "report"


def _emit(
    build: Callable[[], dict],
    fmt: str,
    out: Optional[Path],
    warehouse: Optional[Path],
    default_name: Callable[[dict], str],
) -> None:
    from rich.console import Console

    from newsclaims.load import database
    from newsclaims.report import ReportError, to_html, to_markdown, to_terminal
    from newsclaims.settings import Warehouse

    console, err = Console(), Console(stderr=True)
    fmt = fmt.lower()
    if fmt not in FORMATS:
        err.print(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}", markup=False)
        raise typer.Exit(2)
    wh = Warehouse.resolve(warehouse)
    try:
        data = build(wh)
    except (ReportError, database.WarehouseBusy, FileNotFoundError) as exc:
        err.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(1)
    if fmt == "term":
        to_terminal(data, console)
        return
    if fmt == "md":
        text = to_markdown(data)
        if out is None:
            typer.echo(text, nl=False)
            return
    else:
        text = to_html(data)
        if out is None:
            out = wh.root / "reports" / f"{_slug(default_name(data))}.html"
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    typer.echo(str(out))


@report_app.command("story")
def story(
    ref: str = typer.Argument(
        "latest", metavar="ID|latest", help="Story id (or unique prefix), an article id, or 'latest'."
    ),
    out: Optional[Path] = OutOpt,
    fmt: str = FormatOpt,
    warehouse: Optional[Path] = WarehouseOpt,
) -> None:
    """A story dossier: outlets and dates, claims side by side with differences, who was quoted, what
    only one outlet carried, and the article texts with every claim linked."""
    from newsclaims.report import story_report

    _emit(lambda wh: story_report(wh, ref), fmt, out, warehouse, lambda d: f"story-{d['story_id']}")


@report_app.command("entity")
def entity(
    name: str = typer.Argument(..., help="Entity name, alias or id (spelling variants are folded)."),
    out: Optional[Path] = OutOpt,
    fmt: str = FormatOpt,
    warehouse: Optional[Path] = WarehouseOpt,
) -> None:
    """Everything said by and about one entity, with mentions and claims per day and outlet."""
    from newsclaims.report import entity_report

    _emit(
        lambda wh: entity_report(wh, name),
        fmt,
        out,
        warehouse,
        lambda d: f"entity-{d['entity']['entity_id'].replace(':', '-')}",
    )


@report_app.command("run")
def run(
    run_id: Optional[str] = typer.Argument(
        None, metavar="[RUN_ID]", help="Run id or prefix [default: latest]."
    ),
    out: Optional[Path] = OutOpt,
    fmt: str = FormatOpt,
    warehouse: Optional[Path] = WarehouseOpt,
) -> None:
    """Run health: documents in, new, duplicates, rejects by reason, stage timings, rows per table and
    data-quality checks with pass/warn marks."""
    from newsclaims.report import run_report

    _emit(lambda wh: run_report(wh, run_id), fmt, out, warehouse, lambda d: f"run-{d['run_id']}")


@report_app.command("index")
def index(
    out: Optional[Path] = typer.Option(
        None, "--out", "-o", help="Write the page here [default: WAREHOUSE/reports/index.html]."
    ),
    warehouse: Optional[Path] = WarehouseOpt,
) -> None:
    """One self-contained page linking every story, entity and run report already written to the
    warehouse's reports/ folder, with what the warehouse counts for each."""
    from rich.console import Console

    from newsclaims.load import database
    from newsclaims.report import ReportError
    from newsclaims.report.index import write_index
    from newsclaims.settings import Warehouse

    wh = Warehouse.resolve(warehouse)
    try:
        path, data = write_index(wh, out)
    except (ReportError, database.WarehouseBusy, FileNotFoundError) as exc:
        Console(stderr=True).print(str(exc), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    n = {k: len(v) for k, v in data["reports"].items()}
    typer.echo(str(path))
    typer.echo(f"{n['story']} story, {n['entity']} entity and {n['run']} run report(s) linked", err=True)
