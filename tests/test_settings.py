"""Every environment variable the package reads is defined in newsclaims.settings and documented."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from newsclaims import settings

SRC = Path(__file__).resolve().parents[1] / "src" / "newsclaims"
README = Path(__file__).resolve().parents[1] / "README.md"
NAME = re.compile(r"NEWSCLAIMS_[A-Z0-9_]+")


def _string_constants(path: Path):
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def test_no_environment_name_is_defined_outside_settings():
    stray = [
        f"{path.relative_to(SRC)}:{line}: {value!r}"
        for path in sorted(SRC.rglob("*.py"))
        if path.name != "settings.py"
        for line, value in _string_constants(path)
        if NAME.fullmatch(value)
    ]
    assert not stray, "define these in newsclaims/settings.py and import them:\n" + "\n".join(stray)


def test_every_setting_is_listed_and_documented():
    defined = {v for k, v in vars(settings).items() if k.startswith("ENV_")}
    listed = [s.name for s in settings.ENVIRONMENT]
    assert len(listed) == len(set(listed))
    assert set(listed) == defined
    readme = README.read_text()
    missing = [name for name in listed if f"`{name}`" not in readme]
    assert not missing, f"not in the README's Settings table: {missing}"


def test_a_stray_definition_would_be_caught(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('"""Reads NEWSCLAIMS_X."""\nENV_X = "NEWSCLAIMS_X"\n')
    assert [v for _, v in _string_constants(module) if NAME.fullmatch(v)] == ["NEWSCLAIMS_X"]
