"""The CLI: every command documented in the README, query is read-only, errors are clear."""

import re

from conftest import REPO
from typer.testing import CliRunner

from newsclaims.cli.main import app

runner = CliRunner()


def _commands(typer_app, prefix=""):
    import typer.main

    group = typer.main.get_command(typer_app)
    out = []
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            out += [f"{prefix}{name} {sub}" for sub in cmd.commands]
        else:
            out.append(prefix + name)
    return out


def test_every_command_is_documented_in_readme():
    readme = (REPO / "README.md").read_text()
    missing = [c for c in _commands(app) if not re.search(r"newsclaims " + re.escape(c) + r"\b", readme)]
    assert not missing, f"commands missing from README.md: {missing}"


def test_query_is_read_only(seed_run):
    _, wh = seed_run
    ok = runner.invoke(
        app, ["query", "SELECT count(*) AS n FROM articles", "--warehouse", str(wh.root), "--format", "csv"]
    )
    # (Prefect's background threads from the session's flow runs may log into captured stdout)
    assert ok.exit_code == 0 and "n\n2\n" in ok.stdout
    bad = runner.invoke(app, ["query", "DELETE FROM articles", "--warehouse", str(wh.root)])
    assert bad.exit_code == 1
    again = runner.invoke(
        app, ["query", "SELECT count(*) AS n FROM articles", "--warehouse", str(wh.root), "--format", "csv"]
    )
    assert "n\n2\n" in again.stdout


def test_status_and_missing_warehouse(seed_run, tmp_path):
    _, wh = seed_run
    res = runner.invoke(app, ["status", "--warehouse", str(wh.root)])
    assert res.exit_code == 0 and "articles" in res.stdout
    res = runner.invoke(app, ["status", "--warehouse", str(tmp_path / "none")])
    assert res.exit_code == 1


def test_bad_sources_file_is_a_clear_error(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text('[[sources]]\nname = "x"\nkind = "text_dir"\n')
    res = runner.invoke(app, ["run", "--no-prefect", "--sources", str(p), "--warehouse", str(tmp_path / "w")])
    assert res.exit_code == 2
    assert "path" in res.stderr and "Traceback" not in res.stderr
