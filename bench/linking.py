"""Linking benchmark: what a run's story linking costs, before (a single pass: each new article
joins a story once) and since issue 16 (each run re-clusters its revision window with the new
articles), on the 10x corpus of ``bench/throughput.py --scale``.

    .venv/bin/python bench/linking.py [--scale 10] [--keep DIR | --reuse DIR] [--run-size 200]
                                      [--out bench/linking.json]

1. Builds the scaled corpus (:func:`throughput.build_scaled_corpus`: the BBC articles and N-1
   perturbed copies on synthetic sites) and runs the real pipeline on it (``run_local``) into a
   warehouse, unless ``--reuse`` names one an earlier ``--keep`` built; reports that run's link stage
   (stories and claim groups of every article in one run), next to the figure of
   ``bench/throughput.json`` (the same run with the code of before).
2. On the articles that warehouse holds (what the link stage reads), times the story assignment alone,
   single pass (``linking.assign_stories``) against re-clustering (``linking.revise_stories``):
   (a) every article in one run; (b) the articles in runs of ``--run-size``, one run a day, each
   re-clustering its revision window (``linking.revision_window``, REVISION_DAYS) -- seconds per run
   and window size, first and last runs -- to show that a run's cost follows its window and new
   articles, not the warehouse.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))


def build(corpus: Path, scale: int, workdir: Path) -> dict:
    from throughput import build_scaled_corpus

    from newsclaims.pipeline import run_local
    from newsclaims.settings import Warehouse

    sources, n_docs, n_words = build_scaled_corpus(corpus, scale, workdir / "scaled")
    t0 = time.perf_counter()
    summary = run_local(sources, Warehouse.resolve(workdir / "wh"))
    return {
        "documents": n_docs,
        "words": n_words,
        "run_seconds": round(time.perf_counter() - t0, 1),
        "n_articles": summary.n_articles,
        "stage_seconds": summary.stage_seconds,
    }


def timed(fn, *args, **kw):
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t0


def story_timings(articles: list, run_size: int) -> dict:
    from newsclaims.link.stories import REVISION_DAYS, assign_stories, revise_stories, revision_window

    fresh = lambda: [dataclasses.replace(a, story_id=None, cache=a.cache) for a in articles]  # noqa: E731
    _, single_one = timed(assign_stories, fresh(), [])
    _, revise_one = timed(revise_stories, [], fresh())
    out = {
        "articles": len(articles),
        "one_run": {
            "single_pass_seconds": round(single_one, 2),
            "revise_seconds": round(revise_one, 2),
            "ratio": round(revise_one / single_one, 2),
        },
    }
    runs = {"single_pass": [], "revise": [], "window": []}
    for mode in ("single_pass", "revise"):
        done: list = []
        arts = fresh()
        for k, start in enumerate(range(0, len(arts), run_size)):
            day = dt.date(2100, 1, 1) + dt.timedelta(days=k)
            new = [dataclasses.replace(a, ingested=day) for a in arts[start : start + run_size]]
            if mode == "single_pass":
                _, s = timed(assign_stories, new, done)
            else:
                window = revision_window(done, new, day, days=REVISION_DAYS)
                runs["window"].append(len(window))
                _, s = timed(revise_stories, window, new)
            runs[mode].append(s)
            done += new
    out["runs"] = {
        "run_size": run_size,
        "n_runs": len(runs["revise"]),
        "revision_days": REVISION_DAYS,
        "one_run_a_day": True,
    }
    for mode in ("single_pass", "revise"):
        xs = runs[mode]
        out["runs"][mode] = {
            "mean_seconds": round(statistics.fmean(xs), 3),
            "max_seconds": round(max(xs), 3),
            "first_run_seconds": round(xs[0], 3),
            "last_run_seconds": round(xs[-1], 3),
        }
    out["runs"]["window_articles"] = {"max": max(runs["window"]), "last": runs["window"][-1]}
    out["runs"]["ratio_mean"] = round(
        out["runs"]["revise"]["mean_seconds"] / out["runs"]["single_pass"]["mean_seconds"], 2
    )
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=REPO / ".." / "shared" / "eval" / "bbc_news")
    ap.add_argument("--scale", type=int, default=10)
    ap.add_argument("--keep", type=Path, default=None, help="build the warehouse in this folder and keep it")
    ap.add_argument("--reuse", type=Path, default=None, help="time on a warehouse an earlier --keep built")
    ap.add_argument("--run-size", type=int, default=200, help="articles per run of the run sequence")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "linking.json")
    a = ap.parse_args(argv)

    from newsclaims.evaluation.stories_eval import pipeline_features
    from newsclaims.settings import Warehouse

    report: dict = {"scale": a.scale}
    tmp = None
    if a.reuse:
        workdir = a.reuse
    else:
        workdir = a.keep or Path(tempfile.mkdtemp(prefix="newsclaims-linking-"))
        tmp = None if a.keep else workdir
        report["build"] = build(a.corpus.resolve(), a.scale, workdir)
        print(json.dumps(report["build"], indent=1), flush=True)
    before = json.loads((REPO / "bench" / "throughput.json").read_text()).get("scaled", {})
    report["link_stage_before"] = {
        "seconds": before.get("stage_seconds", {}).get("link"),
        "source": "bench/throughput.json scaled (code before issue 16)",
    }
    if "build" in report:
        now = report["build"]["stage_seconds"].get("link")
        report["link_stage_now"] = now
        if now and report["link_stage_before"]["seconds"]:
            report["link_stage_ratio"] = round(now / report["link_stage_before"]["seconds"], 2)
    feats = pipeline_features(Warehouse.resolve(workdir / "wh"))
    articles = sorted(feats.articles.values(), key=lambda x: x.article_id)
    report["stories"] = story_timings(articles, a.run_size)
    print(json.dumps(report, indent=1), flush=True)
    a.out.write_text(json.dumps(report, indent=1) + "\n")
    if tmp is not None:
        shutil.rmtree(tmp, ignore_errors=True)
    return report


if __name__ == "__main__":
    main()
