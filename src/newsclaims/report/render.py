"""Render report data as a self-contained HTML page, Markdown, or rich tables in the terminal.

HTML templates autoescape every value (article text is data, never markup) and run under a Content
Security Policy that allows only the page's own inline style and nonce-tagged script; Markdown output
escapes every value through the environment's ``finalize`` hook.
"""

from __future__ import annotations

import re
import secrets
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.text import Text

import jinja2
from markupsafe import Markup

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

# "_" inside a word (c_12ab) cannot start emphasis in CommonMark, so ids stay readable
_MD_SPECIAL = re.compile(r"([\\`*\[\]{}<>|~&#!]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")


def md_escape(value: Any) -> str:
    """Text for a Markdown cell or line: special characters backslash-escaped, line breaks folded."""
    if value is None:
        return ""
    s = str(value)
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return re.sub(r"\s*\n\s*", " ", s)


@lru_cache(maxsize=None)
def html_env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=True, lstrip_blocks=True
    )


@lru_cache(maxsize=None)
def md_env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=False,
        finalize=md_escape,
        trim_blocks=False,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _static(name: str) -> Markup:
    # our own files, trusted; a closing tag inside them would end the <style>/<script> element
    text = (STATIC / name).read_text(encoding="utf-8")
    assert "</" not in text, f"{name} must not contain '</'"
    return Markup(text)


def to_html(data: dict) -> str:
    template = html_env().get_template(f"{data['kind']}.html.j2")
    return template.render(
        data=data, css=_static("report.css"), js=_static("report.js"), nonce=secrets.token_urlsafe(16)
    )


def to_markdown(data: dict) -> str:
    text = md_env().get_template(f"{data['kind']}.md.j2").render(data=data)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


# ------------------------------------------------------------------------------------------ terminal


def to_terminal(data: dict, console) -> None:
    """Print the report as rich tables; every value goes in as ``Text`` (never parsed as markup)."""
    {"story": _term_story, "entity": _term_entity, "run": _term_run}[data["kind"]](data, console)


def _t(v: Any) -> "Text":
    from rich.text import Text

    return Text("" if v is None else str(v))


def _table(title: str, cols: list[str], rows: list[list[Any]], numeric: set[int] = frozenset()):
    from rich.table import Table

    t = Table(title=_t(title), title_justify="left", show_lines=False, expand=False)
    for i, c in enumerate(cols):
        t.add_column(_t(c), justify="right" if i in numeric else "left", overflow="fold", max_width=70)
    for r in rows:
        t.add_row(*[v if hasattr(v, "spans") else _t(v) for v in r])
    return t


def _diff_text(claim: dict):
    from rich.text import Text

    out = Text()
    for text, changed in claim.get("diff") or [(claim["content"], False)]:
        out.append(text, style="bold black on yellow" if changed else None)
    return out


def _term_story(d: dict, con) -> None:
    from rich.text import Text

    con.print(Text(f"Story {d['story_id']}: {d['title']}", style="bold"))
    con.print(
        _t(
            f"{d['n_articles']} article(s) from {', '.join(d['outlets'])}; "
            f"{d['first_seen'] or 'undated'} – {d['last_seen'] or ''}"
        )
    )
    con.print(
        _table(
            "Outlets and dates",
            ["outlet", "date", "title", "words", "claims"],
            [
                [a["outlet"], a["published_date"] or "undated", a["title"], a["word_count"], a["n_claims"]]
                for a in d["articles"]
            ],
            {3, 4},
        )
    )
    if d["cross_groups"]:
        for g in d["cross_groups"]:
            rows = [
                [
                    o["outlet"],
                    Text("\n\n").join([_diff_text(c) for c in o["claims"]])
                    if o["claims"]
                    else _t("(not carried)"),
                ]
                for o in g["outlets"]
            ]
            con.print(
                _table(
                    f"#{g['number']} {', '.join(g['speakers'])} — {g['n_outlets']} outlets "
                    f"(highlighted: words no other outlet shares)",
                    ["outlet", "wording"],
                    rows,
                )
            )
    else:
        con.print(_t("No claim group spans more than one outlet in this story."))
    con.print(
        _table(
            "Who was quoted how often",
            ["speaker", *d["outlets"], "total"],
            [
                [
                    w["speaker"] + ("" if w["resolved"] else " (unresolved)"),
                    *[w["per_outlet"].get(o, 0) for o in d["outlets"]],
                    w["total"],
                ]
                for w in d["quoted"]
            ],
            set(range(1, len(d["outlets"]) + 2)),
        )
    )
    if d["multi_outlet"]:
        rows = []
        for x in d["exclusive"]:
            for c in x["claims"]:
                rows.append([x["outlet"], "claim", f"{c['speaker']}: {c['content']}"])
            if x["entities"]:
                rows.append([x["outlet"], "names", ", ".join(e["label"] for e in x["entities"])])
        con.print(
            _table("What each outlet carried that the others did not", ["outlet", "what", "detail"], rows)
        )


def _term_entity(d: dict, con) -> None:
    from rich.text import Text

    e = d["entity"]
    con.print(Text(f"{e['name']} ({e['type']}, {e['entity_id']})", style="bold"))
    con.print(_t(f"looked up as {d['query']!r}; also known as {', '.join(e['aliases'])}"))
    tot = d["totals"]
    con.print(
        _t(
            f"{tot['mentions']} mentions, {tot['claims_by']} claims by, {tot['claims_about']} claims about, "
            f"{tot['articles']} articles"
        )
    )
    peak = max([r["mentions"] + r["claims_by"] + r["claims_about"] for r in d["daily"]] + [1])
    con.print(
        _table(
            "Per day and outlet",
            ["day", "outlet", "mentions", "claims by", "claims about", ""],
            [
                [
                    r["day"] or "undated",
                    r["outlet"],
                    r["mentions"],
                    r["claims_by"],
                    r["claims_about"],
                    "█" * max(1, round(20 * (r["mentions"] + r["claims_by"] + r["claims_about"]) / peak)),
                ]
                for r in d["daily"]
            ],
            {2, 3, 4},
        )
    )
    con.print(
        _table(
            f"What {e['name']} said",
            ["date", "outlet", "kind", "cue", "content"],
            [
                [c["published_date"] or "undated", c["outlet"], c["kind"], c["cue"], c["content"]]
                for c in d["claims_by"]
            ],
        )
    )
    con.print(
        _table(
            f"What others said about {e['name']}",
            ["date", "outlet", "speaker", "kind", "content"],
            [
                [c["published_date"] or "undated", c["outlet"], c["speaker"], c["kind"], c["content"]]
                for c in d["claims_about"]
            ],
        )
    )


def _mark(status: str):
    from rich.text import Text

    return {"pass": Text("✔ pass", style="green"), "warn": Text("⚠ warn", style="yellow")}.get(
        status, Text("– n/a", style="dim")
    )


def _term_run(d: dict, con) -> None:
    from rich.text import Text

    r = d["run"]
    con.print(Text(f"Run {d['run_id']} ({r['status']})", style="bold"))
    if r.get("reason"):
        con.print(Text(f"did not complete: {r['reason']}"))
    con.print(_table("Documents", ["what", "count"], [[k, v] for k, v in d["headline"]], {1}))
    if d["rejects"]:
        con.print(
            _table(
                "Rejects by reason",
                ["stage", "reason", "count"],
                [[x["stage"], x["reason"], x["n"]] for x in d["rejects"]],
                {2},
            )
        )
    else:
        con.print(_t("No rejects in this run."))
    con.print(
        _table(
            "Stage timings",
            ["stage", "seconds"],
            [[s["stage"], f"{s['seconds'] or 0:.2f}"] for s in d["stages"]],
            {1},
        )
    )
    con.print(
        _table(
            "Rows per table",
            ["table", "this run", "warehouse"],
            [[t["table_name"], t["this_run"] if t["per_run"] else "–", t["total"]] for t in d["tables"]],
            {1, 2},
        )
    )
    con.print(
        _table(
            "Data-quality checks",
            ["check", "this run", "", "warehouse", ""],
            [
                [
                    c["check_name"],
                    f"{c['n_flagged']}/{c['n_rows']}",
                    _mark(c["status"]),
                    f"{c['wh_flagged']}/{c['wh_rows']}",
                    _mark(c["wh_status"]),
                ]
                for c in d["checks"]
            ],
        )
    )
