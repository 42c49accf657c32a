"""Throughput benchmark: the pipeline next to the raw spaCy model, on the same texts.

    .venv/bin/python bench/throughput.py [--corpus DIR] [--limit N] [--engine local|prefect|both]
                                         [--n-process 2] [--scale N] [--out bench/throughput.json]

In one invocation, each job in its own interpreter:

(a) raw spaCy ``nlp.pipe`` with the NER alone            (``n_process`` workers)
(b) raw spaCy with every component of the model          (``n_process`` workers)
(c) ``newsclaims run --no-prefect`` semantics (``run_local``) into an empty warehouse
    (``--engine prefect``: the Prefect flow; ``both``: each, into its own warehouse)
(d) a second run over the same warehouse, with nothing new

and a start-up job (interpreter + imports, no work) to subtract from (d). With ``--scale N`` it also
runs (c) over a corpus N times larger built from the same articles (each copy on its own synthetic
site, with page noise and edits: see :func:`build_scaled_corpus`) and compares peak RSS. It prints articles/s and
words/s, the ratios c/a and c/b, the stage times of (c), peak RSS (the whole process tree, sampled
from /proc, and each job's own ``ru_maxrss``) and writes the same as JSON. Timings on a shared machine
are noisy: compare the ratios, which are measured within one invocation.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHILD = Path(__file__).resolve().parent / "_child.py"


# --- peak RSS of a process tree ---------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out += [int(x) for x in fh.read().split()]
    except OSError:
        pass
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeRSS(threading.Thread):
    """Samples the summed RSS of a process and its descendants every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float = 0.2):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            todo, total, seen = [self.pid], 0, set()
            while todo:
                p = todo.pop()
                if p in seen:
                    continue
                seen.add(p)
                total += _rss_kb(p)
                todo += _children(p)
            self.peak_kb = max(self.peak_kb, total)
            self._halt.wait(self.interval)

    def stop(self) -> int:
        self._halt.set()
        self.join()
        return self.peak_kb


def job(mode: str, args: dict, env: dict | None = None) -> dict:
    """Run one measured job in a fresh interpreter; its wall time includes interpreter start-up."""
    t0 = time.perf_counter()
    fd, args_file = tempfile.mkstemp(suffix=".json", prefix="bench-args-")
    with os.fdopen(fd, "w") as fh:
        json.dump(args, fh)
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), mode, args_file],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    sampler = TreeRSS(proc.pid)
    sampler.start()
    stdout, stderr = proc.communicate()
    peak = sampler.stop()
    wall = time.perf_counter() - t0
    os.unlink(args_file)
    if proc.returncode != 0:
        sys.stderr.write(stderr[-5000:])
        raise SystemExit(f"benchmark job {mode} failed (exit {proc.returncode})")
    out = json.loads(stdout.strip().splitlines()[-1])
    out["wall_seconds"] = wall
    out["tree_peak_rss_mb"] = round(peak / 1024, 1)
    return out


# --- corpus ------------------------------------------------------------------------------------------


def corpus_files(corpus: Path, limit: int | None) -> list[Path]:
    files = sorted(p for p in corpus.rglob("*.txt") if p.is_file())
    return files[:limit] if limit else files


def build_scaled_corpus(corpus: Path, factor: int, dest: Path, seed: int = 0) -> tuple[Path, int, int]:
    """A corpus ``factor`` times larger made from ``corpus``: the originals as they are (feed
    ``orig``), plus ``factor - 1`` copies of every article, each on its own synthetic site (one feed
    per site) with that site's page template (long menus, cookie banner, rotating "most read" boxes,
    changing timestamps) and the near-dup benchmark's perturbations (paragraphs dropped, reordered
    or truncated, words edited, typography and whitespace changed).  Ingest must learn each site's
    noise and find the copies as near-duplicates; nothing is bypassed.

    Returns (sources file, number of documents, number of words)."""
    import random

    from newsclaims.evaluation.neardup_eval import (
        _typography,
        _whitespace,
        load_bbc,
        make_copy,
        make_site,
        render_page,
    )

    rng = random.Random(seed)
    articles = load_bbc(corpus)
    headline_pool = [a.title for a in articles]
    blocks = [
        f'[[sources]]\nname = "orig"\nkind = "text_dir"\npath = {json.dumps(str(corpus))}\n'
        f'glob = "*.txt"\nrecursive = true\nallow_outside = true\n'
    ]
    n_docs = len(corpus_files(corpus, None))
    n_words = words_of(corpus_files(corpus, None))
    for k in range(1, factor):
        site = make_site(k, rng)
        folder = dest / f"site{k:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        for article in articles:
            title, paragraphs, _ = make_copy(article, rng)
            text = render_page(site, title, paragraphs, rng, headline_pool)
            if rng.random() < 0.6:
                text = _typography(text, rng)
            if rng.random() < 0.5:
                text = _whitespace(text, rng)
            (folder / article.key.replace("/", "_")).write_text(text, encoding="utf-8")
            n_docs += 1
            n_words += len(text.split())
        blocks.append(
            f'[[sources]]\nname = "site{k:02d}"\nkind = "text_dir"\npath = {json.dumps(str(folder))}\n'
            f'glob = "*.txt"\nallow_outside = true\n'
        )
    sources = dest / "sources.toml"
    sources.write_text("\n".join(blocks))
    return sources, n_docs, n_words


def words_of(files: list[Path]) -> int:
    return sum(len(p.read_bytes().decode("utf-8", errors="replace").split()) for p in files)


def rate(n_articles: int, n_words: int, seconds: float) -> dict:
    return {
        "seconds": round(seconds, 2),
        "articles_per_s": round(n_articles / seconds, 1),
        "words_per_s": round(n_words / seconds),
    }


#: a GDELT-sized day: order of a few hundred thousand articles
DAY_ARTICLES = 300_000


def projection(
    c: dict,
    n_articles: int,
    n_words: int,
    day_articles: int = DAY_ARTICLES,
    workers: tuple[int, ...] = (1, 2, 4, 8, 16, 32, 64),
) -> dict:
    """What a day of ``day_articles`` articles (at this corpus's mean length) costs on N one-core
    workers, from (c): extraction scales with workers; ingest, link and load run in the flow's
    process (one DuckDB writer) and do not."""
    from newsclaims.extract.batch import default_processes

    stages = c["stage_seconds"]
    procs = default_processes()
    per_core_wps = n_words / (stages["extract"] * procs)
    serial_per_article = (stages["ingest"] + stages.get("link", 0.0) + stages["load"]) / n_articles
    words_per_article = n_words / n_articles
    day_words = day_articles * words_per_article
    serial_hours = day_articles * serial_per_article / 3600
    rows = {}
    for n in workers:
        extract_hours = day_words / (per_core_wps * n) / 3600
        rows[str(n)] = {
            "extract_hours": round(extract_hours, 2),
            "serial_hours": round(serial_hours, 2),
            "total_hours": round(extract_hours + serial_hours, 2),
        }
    return {
        "day_articles": day_articles,
        "words_per_article": round(words_per_article),
        "extract_words_per_s_per_core": round(per_core_wps),
        "extract_processes": procs,
        "serial_seconds_per_article": round(serial_per_article, 5),
        "workers": rows,
    }


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--corpus",
        type=Path,
        default=REPO / ".." / "shared" / "eval" / "bbc_news",
        help="folder of articles, *.txt searched recursively (default ../shared/eval/bbc_news)",
    )
    ap.add_argument("--limit", type=int, default=None, help="only the first N files (sorted paths)")
    ap.add_argument(
        "--engine",
        choices=["local", "prefect", "both"],
        default="local",
        help="(c)/(d) as run_local (newsclaims run --no-prefect), the Prefect flow, or both",
    )
    ap.add_argument("--n-process", type=int, default=2, help="worker processes of the raw spaCy runs")
    ap.add_argument("--batch-size", type=int, default=64, help="nlp.pipe batch size of the raw runs")
    ap.add_argument("--skip-raw", action="store_true", help="skip (a) and (b)")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "throughput.json")
    ap.add_argument("--keep", action="store_true", help="keep the temporary warehouses")
    ap.add_argument(
        "--scale",
        type=int,
        default=0,
        metavar="N",
        help="also run (c) on a corpus N times larger made from this one, each copy on its own "
        "synthetic site with page noise and edits, and compare peak RSS (try 10)",
    )
    a = ap.parse_args(argv)

    corpus = a.corpus.resolve()
    files = corpus_files(corpus, a.limit)
    if not files:
        raise SystemExit(f"no *.txt files under {corpus}")
    n_words = words_of(files)
    n_art = len(files)
    tmp = Path(tempfile.mkdtemp(prefix="newsclaims-bench-"))
    if a.limit:  # a folder holding exactly these files, so (c) reads the same texts as (a) and (b)
        sub = tmp / "corpus"
        for f in files:
            dst = sub / f.relative_to(corpus)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, dst)
        src_dir = sub
    else:
        src_dir = corpus
    sources = tmp / "sources.toml"
    sources.write_text(
        f'[[sources]]\nname = "bench"\nkind = "text_dir"\npath = {json.dumps(str(src_dir))}\n'
        f'glob = "*.txt"\nrecursive = true\nallow_outside = true\n'
    )
    env = dict(os.environ)
    env.setdefault("PREFECT_HOME", str(tmp / "prefect"))  # no shared Prefect database
    raw_args = {"files": [str(f) for f in files], "batch_size": a.batch_size, "n_process": a.n_process}
    report: dict = {
        "corpus": str(corpus),
        "articles": n_art,
        "words": n_words,
        "cpus": os.cpu_count(),
        "loadavg_before": os.getloadavg(),
        "n_process_raw": a.n_process,
    }
    try:
        if not a.skip_raw:
            for key, mode in (("a_raw_ner", "raw-ner"), ("b_raw_all", "raw-all")):
                r = job(mode, raw_args)
                report[key] = {
                    **rate(n_art, n_words, r["seconds"]),
                    "components": r["components"],
                    "model_load_seconds": round(r["load_seconds"], 2),
                    "tree_peak_rss_mb": r["tree_peak_rss_mb"],
                }
                print(f"{key}: {report[key]}", flush=True)
        engines = ["local", "prefect"] if a.engine == "both" else [a.engine]
        for engine in engines:
            wh = tmp / f"warehouse-{engine}"
            args = {"sources": str(sources), "warehouse": str(wh), "engine": engine}
            c = job("run", args, env)
            # start-up after (c): Prefect's first run in a fresh PREFECT_HOME also creates its database
            start = job("startup", {"engine": engine}, env)
            d = job("run", args, env)
            s = c["summary"]
            res = {
                "c_run": {
                    **rate(n_art, n_words, c["seconds"]),
                    "wall_seconds": round(c["wall_seconds"], 2),
                    "stage_seconds": s["stage_seconds"],
                    "extract_detail": c["extract_detail"],
                    "n_articles": s["n_articles"],
                    "n_rejects": s["n_rejects"],
                    "n_duplicates": s["n_duplicates"],
                    "n_mentions": s["n_mentions"],
                    "n_claims": s["n_claims"],
                    "n_entities": s["n_entities"],
                    "tree_peak_rss_mb": c["tree_peak_rss_mb"],
                    "self_peak_rss_mb": c["self_peak_rss_mb"],
                    "workers_peak_rss_mb": c["children_peak_rss_mb"],
                },
                "d_rerun": {
                    "seconds": round(d["seconds"], 2),
                    "wall_seconds": round(d["wall_seconds"], 2),
                    "n_skipped": d["summary"]["n_skipped"],
                    "n_articles": d["summary"]["n_articles"],
                    "stage_seconds": d["summary"]["stage_seconds"],
                    "tree_peak_rss_mb": d["tree_peak_rss_mb"],
                },
                "startup_wall_seconds": round(start["wall_seconds"], 2),
            }
            res["d_rerun"]["beyond_startup_seconds"] = round(d["wall_seconds"] - start["wall_seconds"], 2)
            res["d_over_c"] = round(res["d_rerun"]["beyond_startup_seconds"] / c["wall_seconds"], 4)
            if not a.skip_raw:
                res["c_over_a_slowdown"] = round(c["seconds"] / report["a_raw_ner"]["seconds"], 3)
                res["c_over_b_speedup"] = round(report["b_raw_all"]["seconds"] / c["seconds"], 3)
            report[engine] = res
            print(f"{engine}: {json.dumps(res, indent=1)}", flush=True)
        if a.scale and a.scale > 1:
            scaled_sources, n_docs, n_words_scaled = build_scaled_corpus(corpus, a.scale, tmp / "scaled")
            engine = engines[0]
            e = job(
                "run",
                {
                    "sources": str(scaled_sources),
                    "warehouse": str(tmp / "warehouse-scaled"),
                    "engine": engine,
                },
                env,
            )
            s = e["summary"]
            base_rss = report[engine]["c_run"]["tree_peak_rss_mb"]
            report["scaled"] = {
                "factor": a.scale,
                "documents": n_docs,
                "words": n_words_scaled,
                "engine": engine,
                **rate(n_docs, n_words_scaled, e["seconds"]),
                "stage_seconds": s["stage_seconds"],
                "n_articles": s["n_articles"],
                "n_duplicates": s["n_duplicates"],
                "n_rejects": s["n_rejects"],
                "tree_peak_rss_mb": e["tree_peak_rss_mb"],
                "self_peak_rss_mb": e["self_peak_rss_mb"],
                "rss_over_base": round(e["tree_peak_rss_mb"] / base_rss, 3),
            }
            print(f"scaled: {json.dumps(report['scaled'], indent=1)}", flush=True)
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            report["tmp"] = str(tmp)
    report["loadavg_after"] = os.getloadavg()
    eng = "local" if "local" in report else ("prefect" if "prefect" in report else None)
    if eng:
        report["projection"] = projection(report[eng]["c_run"], n_art, n_words)
    report["done_criteria"] = {
        eng: {
            "c_at_least_1.5x_faster_than_b": report[eng].get("c_over_b_speedup", 0) >= 1.5,
            "c_at_most_1.4x_slower_than_a": report[eng].get("c_over_a_slowdown", 99) <= 1.4,
            "d_under_5pct_of_c": report[eng]["d_over_c"] < 0.05,
            "peak_rss_under_2GB": report[eng]["c_run"]["tree_peak_rss_mb"] < 2048,
        }
        for eng in ("local", "prefect")
        if eng in report
    }
    if "scaled" in report:
        report["done_criteria"]["scaled_peak_rss_within_20pct"] = (
            abs(report["scaled"]["rss_over_base"] - 1) <= 0.2
        )
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(report, indent=2))
    if "projection" in report:
        print(f"projection: {json.dumps(report['projection'])}")
    print(f"summary: {json.dumps(report['done_criteria'])}\nwritten to {a.out}")
    return report


if __name__ == "__main__":
    main()
