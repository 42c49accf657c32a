"""One measured job of bench/throughput.py, run in its own interpreter (so each has its own peak RSS).

    python bench/_child.py MODE ARGS_JSON_FILE

prints one JSON line on stdout (the last line) with the job's own timings.
"""

from __future__ import annotations

import json
import resource
import sys
import time

T_START = time.perf_counter()


def _rss() -> dict:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"self_peak_rss_mb": round(self_kb / 1024, 1), "children_peak_rss_mb": round(kids_kb / 1024, 1)}


def raw(args: dict, only_ner: bool) -> dict:
    from newsclaims.extract.nlp import load_nlp

    files = args["files"]
    nlp = load_nlp.__wrapped__()  # the model alone (what the pipeline loads, less its KB ruler)
    t_load = time.perf_counter()
    texts = []
    for f in files:
        with open(f, "rb") as fh:
            texts.append(fh.read().decode("utf-8", errors="replace"))
    disable = [n for n in nlp.pipe_names if n != "ner"] if only_ner else []
    n_ents = 0
    with nlp.select_pipes(disable=disable):
        components = list(nlp.pipe_names)
        for doc in nlp.pipe(texts, batch_size=args["batch_size"], n_process=args["n_process"]):
            n_ents += len(doc.ents)
    t_end = time.perf_counter()
    return {
        "components": components,
        "n_ents": n_ents,
        "seconds": t_end - t_load,
        "load_seconds": t_load - T_START,
    }


def run(args: dict) -> dict:
    from pathlib import Path

    from newsclaims.settings import Warehouse

    if args["engine"] == "prefect":
        from newsclaims.flows.pipeline import pipeline

        t_import = time.perf_counter()
        summary = pipeline(args["sources"], str(Warehouse.resolve(args["warehouse"]).root))
    else:
        from newsclaims.pipeline import run_local

        t_import = time.perf_counter()
        summary = run_local(Path(args["sources"]), Warehouse.resolve(args["warehouse"]))
    t_end = time.perf_counter()
    extract = sys.modules.get(
        "newsclaims.extract.batch"
    )  # only if the run needed it (a rerun with nothing new need not)
    return {
        "seconds": t_end - t_import,
        "import_seconds": t_import - T_START,
        "summary": summary.model_dump(mode="json"),
        "extract_detail": {k: round(v, 3) for k, v in getattr(extract, "STAGE_SECONDS", {}).items()},
    }


def startup(args: dict) -> dict:
    t0 = time.perf_counter()
    import newsclaims.pipeline  # noqa: F401

    if args.get("engine") == "prefect":
        from prefect import flow

        import newsclaims.flows.pipeline  # noqa: F401

        @flow(name="newsclaims-bench-startup")
        def nothing() -> None:  # Prefect's start-up: its temporary API server and a flow run record
            return None

        nothing()
    return {"seconds": time.perf_counter() - t0}


def main() -> None:
    mode = sys.argv[1]
    with open(sys.argv[2]) as fh:
        args = json.load(fh)
    if mode == "raw-ner":
        out = raw(args, True)
    elif mode == "raw-all":
        out = raw(args, False)
    elif mode == "run":
        out = run(args)
    elif mode == "startup":
        out = startup(args)
    else:
        raise SystemExit(f"unknown mode {mode}")
    out.update(_rss())
    out["total_seconds"] = time.perf_counter() - T_START
    sys.stdout.write("\n" + json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
