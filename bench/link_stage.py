"""Link stage A/B: what a run's whole link stage (stories and claim groups) costs with two versions of
the code, on the same extracted articles, in a sequence of daily runs.

    .venv/bin/python bench/link_stage.py --reuse DIR --base-src OLD [--reps 2] [--one-run]
                                         [--out bench/link_stage.json]

``DIR`` is a warehouse folder that ``bench/linking.py --keep DIR`` built (the 10x corpus); only its
lake's extraction batches are read (``lake/_commits/b_*.json``: articles, mentions, claims, aliases).
``OLD`` is a folder holding the importable ``newsclaims`` package of the code to compare with. For
the code before issue 16's re-clustering (``git worktree add ../pre16 1a84928^``), whose pyproject
mapped the ``warehouse/`` SQL folder to ``newsclaims.ddl`` and ``flows/`` to ``newsclaims.flows``::

    mkdir -p /tmp/pre16_pkg && cp -r ../pre16/src/newsclaims /tmp/pre16_pkg/
    cp -r ../pre16/warehouse /tmp/pre16_pkg/newsclaims/ddl && touch /tmp/pre16_pkg/newsclaims/ddl/__init__.py
    cp -r ../pre16/flows /tmp/pre16_pkg/newsclaims/flows

``--reps`` times, the old code and then this checkout's (alternating, so a change in the machine's
load touches both alike), each in its own interpreter (``PYTHONPATH`` = that version's package
folder), on a fresh warehouse: batch after batch (about 200
articles each, in batch-id order), copy the batch into the lake with ``ingested_at`` set to one day
per run (day k = 2100-01-01 + k), run that version's ``pipeline.link_batches`` on it, then its
``pipeline.load_run`` (so the next run's link stage reads the stories and claim groups of the runs
before it from DuckDB, as in production). The link stage's own time (``LinkResult.seconds``: reading
the run's rows, the revision window or date window from DuckDB, stories, claim groups, writing the
link batch) is recorded per run; the load is not timed. Reported: per-run seconds, their mean, and
the ratio of the means (new / old). ``--one-run`` puts every batch in a single run instead (the
whole corpus as one run's new articles: no window, the largest claim grouping).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DAY0 = dt.datetime(2100, 1, 1, 12, tzinfo=dt.timezone.utc)


def extract_batches(lake: Path) -> list[str]:
    return sorted(p.stem for p in (lake / "_commits").glob("b_*.json"))


def _ingested_on(day: int):
    """The table's articles ingested on simulated day ``day``."""
    import pyarrow as pa

    def transform(t):
        when = pa.array([DAY0 + dt.timedelta(days=day)] * t.num_rows, t.schema.field("ingested_at").type)
        return t.set_column(t.schema.get_field_index("ingested_at"), "ingested_at", when)

    return transform


def _old_signatures(t):
    """Claims as the code before issue 16 stored them: signatures without ``@start:end`` tags."""
    import pyarrow as pa

    sigs = [
        None if segs is None else [[tag for tag in sig if not tag.startswith("@")] for sig in segs]
        for segs in t.column("group_segments").to_pylist()
    ]
    col = pa.array(sigs, t.schema.field("group_segments").type)
    return t.set_column(t.schema.get_field_index("group_segments"), "group_segments", col)


def _without_roles(t):
    """Entity aliases as the code before issue 16 stored them: no ``roles`` column."""
    return t.drop_columns([c for c in ("roles",) if c in t.schema.names])


def copy_batch(src_lake: Path, dst_lake: Path, batch_id: str, day: int, old_signatures: bool) -> None:
    """Copy one extraction batch (its files and commit record), its articles ingested on ``day``.

    With ``old_signatures`` (for the code before issue 16) the batch is given the shape that code
    wrote: the claims' segment signatures lose their ``@start:end`` position tags (the rest of each
    signature is what it stored) and ``entity_aliases`` loses the later ``roles`` column."""
    import pyarrow.parquet as pq

    transforms = {"articles": _ingested_on(day)}
    if old_signatures:
        transforms.update(claims=_old_signatures, entity_aliases=_without_roles)
    meta = json.loads((src_lake / "_commits" / f"{batch_id}.json").read_text())
    for table, rel in meta["files"].items():
        out = dst_lake / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        if table in transforms:
            pq.write_table(transforms[table](pq.read_table(src_lake / rel)), out)
        else:
            shutil.copyfile(src_lake / rel, out)
    (dst_lake / "_commits").mkdir(parents=True, exist_ok=True)
    (dst_lake / "_commits" / f"{batch_id}.json").write_text(json.dumps(meta))


def child(src_root: Path, work: Path, old_signatures: bool, one_run: bool) -> dict:
    """Runs in the measured version's interpreter: the daily run sequence on a fresh warehouse
    (with ``one_run``: every batch in a single run instead)."""
    from newsclaims import pipeline
    from newsclaims.settings import Warehouse

    wh = Warehouse.resolve(work)
    seconds, n_articles, n_moved = [], [], []
    batches = extract_batches(src_root / "lake")
    runs = [batches] if one_run else [[b] for b in batches]
    for k, run_batches in enumerate(runs):
        for batch_id in run_batches:
            copy_batch(src_root / "lake", wh.root / "lake", batch_id, k, old_signatures)
        run_id = f"rbench{k:03d}"
        started = dt.datetime.now(dt.timezone.utc)
        link = pipeline.link_batches(wh, run_id, run_batches)
        seconds.append(link.seconds)
        n_articles.append(link.n_articles)
        n_moved.append(getattr(link, "n_moved", 0))
        ingest = pipeline.IngestResult(run_id=run_id, batches=[], n_articles=link.n_articles)
        extract = pipeline.ExtractResult(batch_id=run_batches[0], n_articles=link.n_articles)
        pipeline.load_run(wh, Path("bench"), run_id, started, ingest, [extract], {"link": link.seconds})
    return {"seconds": seconds, "articles": n_articles, "moved": n_moved}


def measure_once(src: Path, source_wh: Path, old_signatures: bool, one_run: bool) -> dict:
    work = Path(tempfile.mkdtemp(prefix="newsclaims-linkab-"))
    try:
        env = dict(os.environ, PYTHONPATH=str(src))
        flags = [str(int(old_signatures)), str(int(one_run))]
        cmd = [sys.executable, __file__, "--child", str(source_wh), str(work / "wh"), *flags]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"child failed ({src}):\n{done.stderr[-3000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(work, ignore_errors=True)


def summary(runs: list[dict]) -> dict:
    per_run = [statistics.fmean(xs) for xs in zip(*(r["seconds"] for r in runs))]
    return {
        "per_run_seconds": [round(x, 3) for x in per_run],
        "mean_seconds": round(statistics.fmean(per_run), 3),
        "max_seconds": round(max(per_run), 3),
        "total_seconds_per_rep": [round(sum(r["seconds"]), 2) for r in runs],
        "articles_per_run": runs[0]["articles"],
        "moved_per_run": runs[0]["moved"],
    }


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--reuse", type=Path, required=True, help="folder an earlier `bench/linking.py --keep` built"
    )
    ap.add_argument(
        "--base-src",
        type=Path,
        required=True,
        help="the folder holding the old code's importable newsclaims package (see above)",
    )
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--one-run", action="store_true", help="all batches in a single run (not one a day)")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "link_stage.json")
    a = ap.parse_args(argv)
    source_wh = (a.reuse / "wh").resolve()
    versions = {"before": a.base_src.resolve(), "now": (REPO / "src").resolve()}
    n_batches = len(extract_batches(source_wh / "lake"))
    report: dict = {"batches": n_batches, "reps": a.reps, "one_run": a.one_run}
    measured: dict[str, list[dict]] = {label: [] for label in versions}
    for _ in range(a.reps):  # the versions alternate, so a change in machine load touches both alike
        for label, src in versions.items():
            measured[label].append(measure_once(src, source_wh, label == "before", a.one_run))
            print(label, json.dumps(measured[label][-1]["seconds"]), flush=True)
    for label in versions:
        report[label] = summary(measured[label])
    report["ratio_mean"] = round(report["now"]["mean_seconds"] / report["before"]["mean_seconds"], 2)
    report["ratio_max"] = round(report["now"]["max_seconds"] / report["before"]["max_seconds"], 2)
    a.out.write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps({k: report[k] for k in ("ratio_mean", "ratio_max")}))
    return report


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        print(json.dumps(child(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4] == "1", sys.argv[5] == "1")))
    else:
        main()
