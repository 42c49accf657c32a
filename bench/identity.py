"""Identity check for behaviour-preserving changes: the same inputs give the same outputs.

Runs the pipeline and the evaluations on fixed inputs and fingerprints what they produce:

| item          | what runs                                                         | fingerprinted            |
|---------------|-------------------------------------------------------------------|--------------------------|
| seeds         | `newsclaims run --no-prefect` on seeds/sources.toml                | every table and view     |
| seeds_prefect | the same through Prefect (the default path)                       | every table and view     |
| bbc           | `newsclaims run --no-prefect` on 60 BBC politics articles          | every table and view     |
| attribution   | `newsclaims eval attribution` on PolNeAR dev, with --speakers      | scores JSON + claims     |
| ner           | `newsclaims eval ner` on CoNLL-2003 dev (eng.testa)               | scores JSON              |
| stories       | `newsclaims eval stories` on ECB+ dev                              | scores JSON              |
| neardup       | `newsclaims eval neardup`                                          | scores JSON              |
| claim_groups  | `newsclaims eval claim-groups`                                     | scores JSON              |

A table is dumped with every row sorted (`order by all`), without the columns that change on every
run whatever the code does (run ids, clock times, durations, absolute paths: VOLATILE below; a run
id inside a value reads `<run>`), and hashed. Scores JSON is hashed without timing keys. `--write FILE` stores the fingerprints;
`--compare FILE` prints each difference and exits 1 if there is one. Items that need
`../shared/eval` are skipped when it is absent.

    python bench/identity.py --write /tmp/before.json              # on the old commit
    python bench/identity.py --compare /tmp/before.json            # on the new one
    python bench/identity.py --only seeds,attribution --compare bench/identity_baseline.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSCLAIMS_SHARED", ROOT.parent / "shared"))
EVAL = SHARED / "eval"

# Columns whose values depend on the clock, the run or the machine, not on the code's results.
VOLATILE = re.compile(
    r"(^|_)(run_id|run|at|time|ts|seconds|duration|elapsed|ms|started|finished|loaded|created|"
    r"updated|path|file|pid|host|uri|ingested|fetched|heartbeat)($|_)|_at$|_ms$|_s$"
)
RUN_ID = re.compile(r"r\d{8}T\d{6}-[0-9a-f]{6}")  # a run id inside a value (a scope, a label)
TIMING_KEYS = re.compile(
    r"(seconds|_s$|_ms$|time|elapsed|duration|per_s|rate|speed|when|path|dir|run_id|warehouse|keep)"
)


def _cli(*args: str, cwd: Path | None = None) -> str:
    exe = Path(sys.executable).with_name("newsclaims")
    cmd = [str(exe) if exe.exists() else "newsclaims", *args]
    res = subprocess.run(cmd, cwd=cwd or ROOT, capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(
            f"failed ({res.returncode}): {' '.join(cmd)}\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}"
        )
    return res.stdout


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def dump_database(db: Path) -> dict[str, str]:
    """Fingerprint of every table and view: sorted rows without volatile columns."""
    import duckdb

    out: dict[str, str] = {}
    con = duckdb.connect(str(db), read_only=True)
    try:
        rels = con.execute(
            "select table_name from information_schema.tables where table_schema = 'main' order by table_name"
        ).fetchall()
        for (name,) in rels:
            cols = [r[0] for r in con.execute(f'describe "{name}"').fetchall()]
            keep = [c for c in cols if not VOLATILE.search(c.lower())]
            if not keep:
                continue
            sel = ", ".join(f'"{c}"' for c in keep)
            rows = con.execute(f'select {sel} from "{name}" order by all').fetchall()
            out[name] = f"{len(rows)} rows {_digest(RUN_ID.sub('<run>', repr(keep) + repr(rows)))}"
    finally:
        con.close()
    return out


def _database_in(folder: Path) -> Path:
    found = sorted(p for p in folder.rglob("*.duckdb") if ".read." not in p.name)
    if not found:
        raise SystemExit(f"no DuckDB file under {folder}")
    return found[0]


def _scores(path: Path) -> dict[str, str]:
    def clean(obj):
        if isinstance(obj, dict):
            return {k: clean(v) for k, v in obj.items() if not TIMING_KEYS.search(k.lower())}
        if isinstance(obj, list):
            return [clean(v) for v in obj]
        return obj

    text = path.read_text()
    for folder in {str(EVAL), str(EVAL.resolve()), str(ROOT)}:  # where the data lies is not a result
        text = text.replace(json.dumps(folder)[1:-1], "<dir>")
    data = clean(json.loads(text))
    flat: dict[str, str] = {}
    if isinstance(data, dict):
        for k, v in data.items():
            flat[f"json:{k}"] = _digest(json.dumps(v, sort_keys=True))
    else:
        flat["json"] = _digest(json.dumps(data, sort_keys=True))
    return flat


def item_seeds(tmp: Path, prefect: bool = False) -> dict[str, str]:
    wh = tmp / "wh"
    flag = [] if prefect else ["--no-prefect"]
    _cli("run", "--sources", str(ROOT / "seeds" / "sources.toml"), "--warehouse", str(wh), *flag)
    return dump_database(_database_in(wh))


def item_bbc(tmp: Path) -> dict[str, str]:
    src = EVAL / "bbc_news" / "politics"
    files = sorted(src.glob("*.txt"))[:60]
    raw = tmp / "raw"
    raw.mkdir()
    for f in files:
        shutil.copy(f, raw / f.name)
    (tmp / "sources.toml").write_text(
        '[[sources]]\nname = "bbc"\nkind = "text_dir"\npath = "raw"\nglob = "*.txt"\n'
    )
    wh = tmp / "wh"
    _cli("run", "--sources", str(tmp / "sources.toml"), "--warehouse", str(wh), "--no-prefect")
    return dump_database(_database_in(wh))


def item_attribution(tmp: Path) -> dict[str, str]:
    js, keep = tmp / "s.json", tmp / "keep"
    _cli(
        "eval",
        "attribution",
        str(EVAL / "polnear" / "dev"),
        "--speakers",
        str(EVAL / "polnear" / "speakers_dev.jsonl"),
        "--json",
        str(js),
        "--keep",
        str(keep),
    )
    out = _scores(js)
    db = dump_database(_database_in(keep))
    out.update({f"table:{k}": v for k, v in db.items() if k in ("claims", "entities", "articles")})
    return out


def item_json(args: list[str]):
    def run(tmp: Path) -> dict[str, str]:
        js = tmp / "s.json"
        _cli(*args, "--json", str(js))
        return _scores(js)

    return run


ITEMS = {
    "seeds": (item_seeds, None),
    "seeds_prefect": (lambda tmp: item_seeds(tmp, prefect=True), None),
    "bbc": (item_bbc, EVAL / "bbc_news"),
    "attribution": (item_attribution, EVAL / "polnear"),
    "ner": (item_json(["eval", "ner", str(EVAL / "conll2003_en" / "eng.testa")]), EVAL / "conll2003_en"),
    "stories": (
        item_json(["eval", "stories", str(EVAL / "ecbplus_event_clusters" / "ecbplus_docs.jsonl")]),
        EVAL / "ecbplus_event_clusters",
    ),
    "neardup": (item_json(["eval", "neardup"]), EVAL / "bbc_news"),
    "claim_groups": (item_json(["eval", "claim-groups"]), EVAL),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", help=f"comma-separated items (default all): {','.join(ITEMS)}")
    ap.add_argument("--write", type=Path, help="store the fingerprints in this JSON file")
    ap.add_argument("--compare", type=Path, help="compare with fingerprints stored by --write")
    a = ap.parse_args(argv)
    names = a.only.split(",") if a.only else list(ITEMS)
    unknown = [n for n in names if n not in ITEMS]
    if unknown:
        ap.error(f"unknown items: {', '.join(unknown)}")
    got: dict[str, dict[str, str]] = {}
    for name in names:
        fn, needs = ITEMS[name]
        if needs is not None and not needs.exists():
            print(f"{name}: skipped ({needs} absent)")
            continue
        with tempfile.TemporaryDirectory(prefix=f"identity-{name}-") as t:
            got[name] = fn(Path(t))
        print(f"{name}: {len(got[name])} fingerprints", flush=True)
    if a.write:
        old = json.loads(a.write.read_text()) if a.write.exists() else {}
        old.update(got)
        a.write.write_text(json.dumps(old, indent=1, sort_keys=True) + "\n")
    if a.compare:
        base = json.loads(a.compare.read_text())
        diffs = 0
        for name, fps in got.items():
            if name not in base:
                print(f"{name}: not in {a.compare}")
                continue
            for key in sorted(set(fps) | set(base[name])):
                if fps.get(key) != base[name].get(key):
                    diffs += 1
                    print(f"DIFF {name} {key}: {base[name].get(key)} -> {fps.get(key)}")
        print("identical" if not diffs else f"{diffs} differences")
        return 1 if diffs else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
