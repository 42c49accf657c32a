"""``newsclaims sources …`` (list, check, add, remove, disable, enable, reset) and ``newsclaims serve``.

Mounted by :mod:`newsclaims.cli.main`: ``app.add_typer(sources_app, name="sources")`` and
``app.command("serve")(serve)``.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from newsclaims import settings as S
from newsclaims.load.sql import named_query

sources_app = typer.Typer(
    help="List, check, add, remove, disable, enable and reset the sources of a sources file.",
    no_args_is_help=True,
)
console = Console()
err = Console(stderr=True)

SourcesOpt = typer.Option(
    None, "--sources", "-s", envvar=S.ENV_SOURCES, help="Sources file (TOML). [default: ./seeds/sources.toml]"
)
WarehouseOpt = typer.Option(
    None,
    "--warehouse",
    "-w",
    envvar=S.ENV_WAREHOUSE,
    help="Warehouse folder (its state/ folder holds what each source has seen).",
)


def _load(sources: Optional[Path]):
    from newsclaims.ingest.sources.registry import SourcesFileError, load_sources
    from newsclaims.settings import resolve_sources_file

    path = resolve_sources_file(sources)
    try:
        return load_sources(path)
    except SourcesFileError as exc:
        err.print(f"[red]invalid sources file:[/] {exc}", highlight=False)
        raise typer.Exit(2)


def _get(sf, name: str):
    try:
        return sf.get(name)
    except KeyError:
        names = ", ".join(s.name for s in sf.sources) or "none"
        err.print(f"[red]no source named {name!r} in {sf.path}[/] (sources: {names})", highlight=False)
        raise typer.Exit(2)


@sources_app.command("list")
def list_sources(sources: Optional[Path] = SourcesOpt, warehouse: Optional[Path] = WarehouseOpt) -> None:
    """The sources of the file: kind, where they read, schedule, and what the warehouse has seen."""
    from newsclaims.ingest.state import read_state
    from newsclaims.settings import Warehouse

    sf = _load(sources)
    wh = Warehouse.resolve(warehouse)
    seen_in_wh = _seen_in_warehouse(wh)
    t = Table(title=f"sources in {sf.path}")
    for col in ("name", "kind", "enabled", "reads", "outlet", "schedule", "seen", "last new"):
        t.add_column(col, overflow="fold", max_width=60)
    for s in sf.sources:
        st = read_state(wh, s.name)
        n_wh, last_wh = seen_in_wh.get(s.name, (0, None))
        seen: Any = len(st.get("seen", {})) or n_wh or ""
        files_now = _files_now(s)
        if files_now is not None:  # a folder source: documents seen of the files there now
            seen = f"{n_wh} of {files_now} files"
        last = max(filter(None, [st.get("updated_at", "")[:16].replace("T", " "), last_wh]), default="")
        t.add_row(
            *[
                Text(str(v))
                for v in (
                    s.name,
                    s.kind,
                    "yes" if s.config.enabled else "no",
                    s.describe(),
                    s.config.outlet or "",
                    s.config.schedule or "",
                    seen,
                    last,
                )
            ]
        )
    console.print(t)
    from newsclaims.load.database import source_failures

    for name, (run_id, why, latest) in source_failures(wh).items():  # recorded by ingest's guard
        when = "in the latest run" if latest else f"in run {run_id}"
        console.print(Text(f"{name}: could not be read {when}: {why}", style="red" if latest else "dim"))
    console.print(f"pipeline schedule: {sf.pipeline_schedule or 'none'}", highlight=False)


def _seen_in_warehouse(wh) -> dict[str, tuple[int, Optional[str]]]:
    """Per source: documents the warehouse holds from it (kept, duplicate or rejected) and when the
    last run that brought a new one started. Empty when there is no warehouse (or it is busy)."""
    from newsclaims.load import database

    try:
        rows = database.query(wh, named_query("cli_sources_seen"))[1]
    except Exception:  # no warehouse yet, busy, or not loaded: the state files still tell
        return {}
    return {feed: (n, last) for feed, n, last in rows}


def _files_now(source) -> Optional[int]:
    """Files a folder source would read now (None for other sources or a missing folder)."""
    root, pattern = getattr(source, "root", None), getattr(source.config, "glob", None)
    if not isinstance(root, Path) or not pattern or not root.is_dir():
        return None
    pattern = f"**/{pattern}" if getattr(source.config, "recursive", False) else pattern
    return sum(1 for p in root.glob(pattern) if p.is_file())


@sources_app.command("check")
def check(
    name: str = typer.Argument(..., help="The source's name."),
    sources: Optional[Path] = SourcesOpt,
    limit: int = typer.Option(3, "--limit", "-n", help="How many documents to show."),
    lines: int = typer.Option(3, "--lines", help="How many lines of body to show per document."),
) -> None:
    """Dry run: read the first documents and show outlet, date, title and the start of the body.

    Nothing is written: no warehouse, no state (the source is read as if it were new).
    """
    from newsclaims.ingest.profiles import load_profiles
    from newsclaims.models import Reject
    from newsclaims.pipeline import prepare_document

    sf = _load(sources)
    source = _get(sf, name)
    profiles = load_profiles(sf.outlet_profiles)
    now = dt.datetime.now(dt.timezone.utc)
    shown = 0
    try:
        docs = source.documents()
        for doc in docs:
            if shown >= limit:
                break
            shown += 1
            item = prepare_document(doc, profiles, "check", now)
            console.rule(Text(doc.raw_path), style="dim")
            if isinstance(item, Reject):
                console.print(Text.assemble(("reject", "bold red"), f" ({item.stage}): {item.reason}"))
                continue
            for label, value in (
                ("outlet", item.outlet),
                ("date", item.published_date),
                ("date from", item.date_source),
                ("title", item.title),
                ("language", item.language),
                ("words", item.word_count),
            ):
                console.print(
                    Text.assemble((f"{label:>9}: ", "bold"), str(value) if value is not None else "—")
                )
            body = [ln for ln in item.body.splitlines() if ln.strip()][:lines]
            for ln in body:
                console.print(Text("           " + (ln if len(ln) <= 200 else ln[:200] + "…")))
        close = getattr(docs, "close", None)
        if close:
            close()
    except Exception as exc:  # a dry run reports, it does not crash
        err.print(f"[red]source {name!r} failed:[/] {exc.__class__.__name__}: {exc}", highlight=False)
        raise typer.Exit(1)
    if not shown:
        console.print(f"source {name!r} yielded no documents")
    console.print(f"{shown} document(s) shown; nothing was written", highlight=False)


def _parse_value(raw: str) -> Any:
    """A TOML value (``3``, ``true``, ``"x"``, ``["a", "b"]``, ``{ text = "body" }``) or a bare string."""
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _set_dotted(block: dict, key: str, value: Any) -> None:
    parts = key.split(".")
    cur = block
    for p in parts[:-1]:
        cur = cur.setdefault(p, {})
        if not isinstance(cur, dict):
            raise typer.BadParameter(f"{key}: {p} is not a table", param_hint="--set")
    cur[parts[-1]] = value


def _toml_value(value: Any) -> str:
    """One TOML value; tables inline, so a block stays one [[sources]] block."""
    import tomli_w

    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return tomli_w.dumps({"v": value}).partition("=")[2].strip()


def _toml_key(key: str) -> str:
    import re

    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_value(key)


def render_block(block: dict) -> str:
    return "[[sources]]\n" + "".join(f"{_toml_key(k)} = {_toml_value(v)}\n" for k, v in block.items())


@sources_app.command("add")
def add(
    name: str = typer.Option(..., "--name", help="Unique name (letters, digits, - _ .)."),
    kind: str = typer.Option(..., "--kind", help="text_dir | jsonl | rss | atom | html | a plug-in kind."),
    url: Optional[str] = typer.Option(None, "--url", help="Feed URL (rss/atom), http or https."),
    urls: Optional[list[str]] = typer.Option(None, "--page-url", help="Page URL (html); repeatable."),
    path: Optional[str] = typer.Option(None, "--path", help="File or folder, relative to the sources file."),
    glob: Optional[str] = typer.Option(None, "--glob", help="File pattern inside --path."),
    outlet: Optional[str] = typer.Option(None, "--outlet", help="Default outlet."),
    schedule: Optional[str] = typer.Option(None, "--schedule", help='Cron schedule, e.g. "*/30 * * * *".'),
    disabled: bool = typer.Option(False, "--disabled", help="Add it switched off."),
    sets: Optional[list[str]] = typer.Option(
        None, "--set", help="Any other field: KEY=VALUE (TOML value; dotted keys, e.g. fields.text=body)."
    ),
    sources: Optional[Path] = SourcesOpt,
) -> None:
    """Append a validated [[sources]] block to the sources file (created if missing)."""
    from newsclaims.ingest.sources.registry import SourcesFileError, load_sources
    from newsclaims.settings import resolve_sources_file

    path_ = resolve_sources_file(sources)
    block: dict[str, Any] = {"name": name, "kind": kind}
    for key, value in (
        ("url", url),
        ("urls", list(urls) if urls else None),
        ("path", path),
        ("glob", glob),
        ("outlet", outlet),
        ("schedule", schedule),
    ):
        if value is not None:
            block[key] = value
    if disabled:
        block["enabled"] = False
    for item in sets or []:
        key, eq, raw = item.partition("=")
        if not eq or not key.strip():
            err.print(f"[red]--set {item!r}: expected KEY=VALUE[/]", highlight=False)
            raise typer.Exit(2)
        _set_dotted(block, key.strip(), _parse_value(raw.strip()))
    old = path_.read_text(encoding="utf-8") if path_.exists() else ""
    if old and not old.endswith("\n"):
        old += "\n"
    new = old + ("\n" if old else "") + render_block(block)
    # validate the whole file as it would be, before touching the real one
    tmp = path_.with_name(f".{path_.name}.{os.getpid()}.tmp")
    path_.parent.mkdir(parents=True, exist_ok=True)
    tmp.write_text(new, encoding="utf-8")
    try:
        load_sources(tmp)
    except SourcesFileError as exc:
        tmp.unlink(missing_ok=True)
        err.print(f"[red]not added:[/] {str(exc).replace(str(tmp), str(path_))}", highlight=False)
        raise typer.Exit(2)
    os.replace(tmp, path_)
    console.print(f"added source {name!r} ({kind}) to {path_}", highlight=False)
    problem = _reachable(load_sources(path_).get(name))
    if problem:
        err.print(
            f"[yellow]warning:[/] {problem} (added anyway: a run cannot read it until it answers)",
            highlight=False,
            soft_wrap=True,
        )


def _reachable(source) -> Optional[str]:
    """None when the source's path exists or its URL answers now, else what is wrong (one line)."""
    c = source.config
    urls = [u for u in [getattr(c, "url", None), *(getattr(c, "urls", None) or [])] if u]
    for u in urls:
        import httpx

        try:  # HEAD: nothing is downloaded, and a feed's conditional-request state is not touched
            r = httpx.head(
                str(u), timeout=5.0, follow_redirects=True, headers={"User-Agent": "newsclaims/0.1"}
            )
        except httpx.HTTPError as exc:
            return f"{u} does not answer ({exc.__class__.__name__}: {exc})"
        if r.status_code >= 400 and r.status_code not in (405, 501):  # those two refuse HEAD, not the URL
            return f"{u} answers HTTP {r.status_code}"
    path = getattr(c, "path", None)
    if path:
        full = (source.base_dir / path).resolve()
        if not full.exists():
            return f"{full} does not exist"
    return None


def _blocks(text: str) -> list[tuple[int, int]]:
    """Line ranges [start, end) of each [[sources]] block: its header (with the comment lines right
    above it) up to the next top-level header; [sources.x] sub-tables belong to the block."""
    import re

    lines = text.splitlines(keepends=True)
    heads = [
        i
        for i, ln in enumerate(lines)
        if re.match(r"\s*\[", ln) and not re.match(r"\s*\[\[?\s*sources\s*\.", ln)
    ]
    out = []
    for k, i in enumerate(heads):
        if not re.match(r"\s*\[\[\s*sources\s*\]\]", lines[i]):
            continue
        start = i
        while start > 0 and lines[start - 1].lstrip().startswith("#"):
            start -= 1
        end = heads[k + 1] if k + 1 < len(heads) else len(lines)
        while end > i + 1 and lines[end - 1].lstrip().startswith("#"):  # the next block's comments
            end -= 1
        out.append((start, end))
    return out


def _find_block(text: str, name: str) -> tuple[int, int]:
    lines = text.splitlines(keepends=True)
    for start, end in _blocks(text):
        body = "".join(ln for ln in lines[start:end])
        try:
            got = tomllib.loads(body).get("sources", [{}])[0].get("name")
        except (tomllib.TOMLDecodeError, IndexError, AttributeError):
            continue
        if got == name:
            return start, end
    raise KeyError(name)


def _rewrite(path_: Path, new: str, check) -> None:
    """Validate the file as it would be (``check(SourcesFile)``), then replace it atomically."""
    from newsclaims.ingest.sources.registry import SourcesFileError, load_sources

    tmp = path_.with_name(f".{path_.name}.{os.getpid()}.tmp")
    tmp.write_text(new, encoding="utf-8")
    try:
        check(load_sources(tmp))
    except (SourcesFileError, AssertionError, KeyError) as exc:
        tmp.unlink(missing_ok=True)
        err.print(f"[red]not changed:[/] {str(exc).replace(str(tmp), str(path_))}", highlight=False)
        raise typer.Exit(2)
    os.replace(tmp, path_)


@sources_app.command("remove")
def remove(
    name: str = typer.Argument(..., help="The source's name."), sources: Optional[Path] = SourcesOpt
) -> None:
    """Delete a source's [[sources]] block from the sources file (comments elsewhere kept). What the
    warehouse already holds from it stays; its state is kept until `sources reset`."""
    sf = _load(sources)
    _get(sf, name)
    text = sf.path.read_text(encoding="utf-8")
    start, end = _find_block(text, name)
    lines = text.splitlines(keepends=True)
    new = "".join(lines[:start] + lines[end:])

    def check(after):
        assert name not in {s.name for s in after.sources}, f"source {name!r} still in the file"
        assert len(after.sources) == len(sf.sources) - 1, "other sources would change"

    _rewrite(sf.path, new, check)
    console.print(f"removed source {name!r} from {sf.path}", highlight=False)


def _set_enabled(name: str, sources: Optional[Path], enabled: bool) -> None:
    import re

    sf = _load(sources)
    source = _get(sf, name)
    word = "enabled" if enabled else "disabled"
    if source.config.enabled == enabled:
        console.print(f"source {name!r} is already {word}", highlight=False)
        return
    text = sf.path.read_text(encoding="utf-8")
    start, end = _find_block(text, name)
    lines = text.splitlines(keepends=True)
    value = "true" if enabled else "false"
    for i in range(start, end):
        if re.match(r"\s*enabled\s*=", lines[i]):
            lines[i] = re.sub(r"(=\s*)(true|false)", rf"\g<1>{value}", lines[i], count=1)
            break
    else:
        head = next(i for i in range(start, end) if lines[i].lstrip().startswith("[["))
        after = next((i for i in range(head + 1, end) if re.match(r"\s*name\s*=", lines[i])), head)
        lines.insert(after + 1, f"enabled = {value}\n")

    def check(after_sf):
        assert after_sf.get(name).config.enabled == enabled, f"source {name!r} would not be {word}"
        assert [s.name for s in after_sf.sources] == [s.name for s in sf.sources], (
            "other sources would change"
        )

    _rewrite(sf.path, "".join(lines), check)
    console.print(f"source {name!r} {word} in {sf.path}", highlight=False)


@sources_app.command("disable")
def disable(
    name: str = typer.Argument(..., help="The source's name."), sources: Optional[Path] = SourcesOpt
) -> None:
    """Switch a source off (``enabled = false``): runs skip it, its state and rows are kept."""
    _set_enabled(name, sources, False)


@sources_app.command("enable")
def enable(
    name: str = typer.Argument(..., help="The source's name."), sources: Optional[Path] = SourcesOpt
) -> None:
    """Switch a source back on (``enabled = true``)."""
    _set_enabled(name, sources, True)


@sources_app.command("reset")
def reset(
    name: str = typer.Argument(..., help="The source's name."),
    sources: Optional[Path] = SourcesOpt,
    warehouse: Optional[Path] = WarehouseOpt,
    wait: Optional[float] = typer.Option(0, "--wait", help="Seconds to wait for a running pipeline."),
) -> None:
    """Forget what a source has seen: its next run reads everything again (the warehouse still skips
    documents it already holds)."""
    from newsclaims.ingest.state import reset_source
    from newsclaims.load.locking import WarehouseLocked, run_lock
    from newsclaims.settings import Warehouse

    sf = _load(sources)
    _get(sf, name)
    wh = Warehouse.resolve(warehouse)
    try:
        if wh.root.is_dir():
            with run_lock(wh, f"sources-reset-{name}", wait):
                found = reset_source(wh, name)
        else:
            found = False
    except WarehouseLocked as exc:
        err.print(f"[yellow]{exc}[/]", highlight=False)
        raise typer.Exit(75)
    console.print(
        f"source {name!r}: state {'reset' if found else 'was already empty'} in {wh.root}", highlight=False
    )


def serve(
    sources: Optional[Path] = SourcesOpt,
    warehouse: Optional[Path] = WarehouseOpt,
    limit: Optional[int] = typer.Option(None, "--limit", help="Most flow runs at a time."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the deployments and exit."),
) -> None:
    """Serve Prefect deployments with the schedules of the sources file (runs until interrupted).

    Point it at a Prefect server (``PREFECT_API_URL=http://127.0.0.1:4200/api``) to see the runs in the UI.
    """
    from newsclaims.deployments import build_deployments, deployment_specs
    from newsclaims.ingest.sources.registry import SourcesFileError
    from newsclaims.settings import Warehouse, resolve_sources_file

    sources_file = resolve_sources_file(sources)
    wh = str(Warehouse.resolve(warehouse).root)
    try:
        specs = deployment_specs(sources_file, wh)
    except SourcesFileError as exc:
        err.print(f"[red]invalid sources file:[/] {exc}", highlight=False)
        raise typer.Exit(2)
    t = Table(title="deployments")
    for col in ("deployment", "cron (UTC)", "sources"):
        t.add_column(col)
    for s in specs:
        t.add_row(
            f"newsclaims-pipeline/{s.name}",
            s.cron or "(manual)",
            ", ".join(s.parameters.get("only", [])) or "all",
        )
    console.print(t)
    if dry_run:
        return
    from prefect import serve as prefect_serve

    prefect_serve(*build_deployments(sources_file, wh), limit=limit)
