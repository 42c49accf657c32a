"""Every ``newsclaims eval`` command the README gives with real data runs as written, on a slice.

The commands are read from the README (inline code starting ``newsclaims eval``; a synopsis with
placeholders such as ``FILE`` or ``DIR`` is not a command to run; ``[optional]`` parts are left out).
Each runs in a subprocess whose working folder sits next to a ``shared/eval`` tree holding a small
slice of the real data (a few documents of each file or folder the command names), so
``../shared/eval/...`` resolves to the slice; commands that read a default corpus get that
command's own sampling option. Skipped when ../shared/eval is absent.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SHARED_EVAL

#: per subcommand, the option that samples a default corpus (commands that name no data path)
SAMPLE_OPTIONS = {"neardup": ["--max-originals", "12"]}
DOCS_PER_SLICE = 4


def readme_eval_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    out = []
    for cmd in re.findall(r"`(newsclaims eval [^`]+)`", text):
        cmd = re.sub(r"\s*\[[^\]]*\]", "", cmd).strip()
        if re.search(r"\b[A-Z]{2,}\b", cmd):  # a synopsis: FILE, DIR, N ...
            continue
        if cmd not in out:
            out.append(cmd)
    return out


def _slice_conll(src: Path, dst: Path, n: int) -> None:
    docs, cur = [], []
    for line in src.read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("-DOCSTART-"):
            if any(ln.strip() for ln in cur):
                docs.append(cur)
            cur = [line]
        else:
            cur.append(line)
    if any(ln.strip() for ln in cur):
        docs.append(cur)
    dst.write_text("".join("".join(d) for d in docs[:n]), encoding="utf-8")


def _slice_jsonl(src: Path, dst: Path, n: int) -> None:
    """The first ``n`` records of each value of a ``split*`` field, two gold groups at least."""
    kept, per_split = [], {}
    with src.open(encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            split = next((str(v) for k, v in rec.items() if k.startswith("split")), "")
            if per_split.get(split, 0) < 2 * n:
                per_split[split] = per_split.get(split, 0) + 1
                kept.append(line)
    dst.write_text("".join(kept), encoding="utf-8")


def _slice_dir(src: Path, dst: Path, n: int) -> None:
    """The first ``n`` documents of every subfolder: the first ``n`` stems of the subfolder with the
    shortest names (e.g. text/), and in the others the files named after them (``stem*``)."""
    subs = sorted(p for p in src.iterdir() if p.is_dir())
    names = {sub: sorted(p.stem for p in sub.iterdir()) for sub in subs}
    base = min(subs, key=lambda sub: sum(map(len, names[sub])) / max(1, len(names[sub]))) if subs else None
    stems = names[base][:n] if base else []
    for sub in subs:
        (dst / sub.name).mkdir(parents=True, exist_ok=True)
        for p in sub.iterdir():
            if any(p.stem == s or p.stem.startswith(s + "_") for s in stems):
                shutil.copy(p, dst / sub.name / p.name)
    for p in src.iterdir():
        if p.is_file():
            shutil.copy(p, dst / p.name)


def make_slice(rel: str, root: Path) -> None:
    src = SHARED_EVAL / rel
    dst = root / "shared" / "eval" / rel
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.is_dir():
        _slice_dir(src, dst, DOCS_PER_SLICE)
    elif src.suffix == ".jsonl":
        _slice_jsonl(src, dst, DOCS_PER_SLICE)
    elif "-DOCSTART-" in src.read_text(encoding="utf-8", errors="replace")[:10000]:
        _slice_conll(src, dst, DOCS_PER_SLICE)
    else:
        shutil.copy(src, dst)


def test_readme_names_the_eval_commands():
    cmds = readme_eval_commands()
    for sub in ("attribution", "ner", "stories", "neardup"):
        assert any(c.split()[2] == sub for c in cmds), f"no runnable `newsclaims eval {sub}` in the README"


@pytest.mark.skipif(not SHARED_EVAL.is_dir(), reason="../shared/eval is absent")
@pytest.mark.parametrize("command", readme_eval_commands())
def test_readme_eval_command_runs_as_written_on_a_slice(command, tmp_path):
    args = shlex.split(command)[1:]
    for a in args:
        if a.startswith("../shared/eval/"):
            make_slice(a[len("../shared/eval/") :], tmp_path)
    if not any(a.startswith("../shared/eval/") for a in args):
        args += SAMPLE_OPTIONS.get(args[1], [])
    cwd = tmp_path / "work"
    cwd.mkdir()
    env = dict(os.environ, COLUMNS="100")
    res = subprocess.run(
        [sys.executable, "-m", "newsclaims.cli.main", *args],
        cwd=cwd,
        env=env,
        text=True,
        capture_output=True,
        timeout=900,
    )
    assert res.returncode == 0, f"{command}\n{res.stdout[-2000:]}\n{res.stderr[-4000:]}"
    assert "Traceback" not in res.stderr
    assert re.search(r"\d+\.\d", res.stdout), f"{command}: no scores printed\n{res.stdout[-2000:]}"


SENTENCES = [
    "Chancellor Helmut Kohl met French President Jacques Chirac in Bonn on Tuesday .",
    "The two leaders discussed the single European currency and the budget rules of the union .",
    "Kohl told reporters that Germany would meet the targets set in the Maastricht treaty .",
    "Chirac said France shared that view and would cut its deficit next year .",
    "Officials from the Bundesbank and the Bank of France attended the talks in the afternoon .",
    "The meeting ended with a joint statement on trade with Japan and the United States .",
    "Markets in Frankfurt and Paris rose after the statement was read out .",
]
ENTITIES = {
    "Helmut": "I-PER",
    "Kohl": "I-PER",
    "Jacques": "I-PER",
    "Chirac": "I-PER",
    "Bonn": "I-LOC",
    "Germany": "I-LOC",
    "France": "I-LOC",
    "Frankfurt": "I-LOC",
    "Paris": "I-LOC",
    "Japan": "I-LOC",
    "French": "I-MISC",
    "European": "I-MISC",
    "Maastricht": "I-MISC",
    "Bundesbank": "I-ORG",
}


def _conll_doc(title: str, sentences: list[str]) -> str:
    out = ["-DOCSTART- -X- -X- O", ""]
    for sent in [title, *sentences]:
        out += [f"{w} NN O {ENTITIES.get(w, 'O')}" for w in sent.split()] + [""]
    return "\n".join(out) + "\n"


def test_eval_ner_scores_a_file_holding_near_duplicate_documents(tmp_path):
    """A near duplicate (similar body, not the same) used to crash the command ("duplicate body
    differs"); it is now counted and scored for neither system."""
    near = SENTENCES[:-1] + ["Shares in Frankfurt fell slightly after the statement was read out ."]
    data = tmp_path / "near.conll"
    data.write_text(
        _conll_doc("KOHL MEETS CHIRAC", SENTENCES) + _conll_doc("KOHL AND CHIRAC TALK", near),
        encoding="utf-8",
    )
    out = tmp_path / "scores.json"
    res = subprocess.run(
        [sys.executable, "-m", "newsclaims.cli.main", "eval", "ner", str(data), "--json", str(out)],
        text=True,
        capture_output=True,
        timeout=900,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    scores = json.loads(out.read_text())
    assert scores["documents"] == {"article": 1, "near-duplicate": 1}
    assert "near-duplicate documents (not extracted, scored for neither system)" in res.stdout
    # the kept document's gold entities are all scored: the near duplicate's are not added
    n_gold = sum(1 for s in SENTENCES for w in s.split() if w in ENTITIES)
    assert scores["gold_scored"] + scores["gold_not_scored"] <= n_gold
