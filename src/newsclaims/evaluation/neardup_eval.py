"""Near-duplicate benchmark built from real BBC articles, and its evaluation.

No public, labelled near-duplicate news set with texts is reachable here (see
``shared/eval/README.md``), so :func:`build_benchmark` manufactures one from the 2,225 BBC
articles the way copies arise on the web:

* several synthetic **sites**, each wrapping *many different* articles in its own template: long
  menus (one item per line, or ``|``-joined), header lines, a cookie notice, a newsletter box,
  "Advertisement" slots between paragraphs, link lists, a copyright line, a timestamp line whose
  digits change on every page, and rotating "Most read" / "Related stories" boxes filled with
  real headlines of other articles (different on every page);
* per copy, a random mix of: a **truncated excerpt** (lead paragraphs, possibly cut mid-sentence
  with "..."), **dropped** and **reordered** paragraphs, **typography / encoding** changes (curly
  or straight quotes, NBSP, dash styles, HTML entities, UTF-8 read as cp1252 mojibake, damaged
  characters replaced with "?"), **whitespace** changes (hard wrapping, doubled spaces, CRLF) and
  a few **edited words** (substitutions, deletions, changed numbers), and sometimes a rewritten
  headline.

Every generated document carries its original's id as gold cluster.  Originals are cleaned
first: BBC itself holds 98 exact duplicate pairs and several dozen re-published or updated
versions of one story; an article whose exact 5-shingle containment with another article is
>= 0.2 is dropped unless it is the first of its group (sorted path), so gold clusters are not
contradicted by real duplicates in the source.

:func:`evaluate` streams the documents in a shuffled order through ingest's own path: mojibake
repaired as :func:`~newsclaims.ingest.decode.decode_bytes` does, page noise learned per site (feed) as the
stream goes in ingest's chunks (:mod:`newsclaims.ingest.pagenoise`) and removed by the normaliser, then
the real :class:`~newsclaims.ingest.neardup.NearDupIndex`: each document is either
a duplicate of an earlier kept document (``query`` hit) or kept (``add``).  Pairwise precision
and recall compare the predicted groups with the gold clusters.  The baseline is plain
datasketch ``MinHash`` + ``MinHashLSH`` over the raw page text (lower-cased whitespace tokens,
same shingle size and threshold), query-then-insert in the same order.

Measured (``newsclaims eval neardup`` = ``python -m newsclaims.evaluation.neardup_eval``; 2,000
clean originals, 8 sites, seed 0: 4,197 pages, 4,179 gold pairs; defaults shingle 5, 128 sample
hashes, threshold 0.7, containment on)::

    system                                precision  recall   f1
    ours (noise stripped, containment)     0.9913    0.9811  0.9862
    ours without noise stripping           1.0000    0.1618  0.2785
    ours, noise learned in batch           0.9988    0.9818  0.9902
    ours without containment (Jaccard)     1.0000    0.5477  0.7078
    ours, duplicates not indexed           0.9980    0.9517  0.9743
    baseline MinHashLSH raw @ 0.30         0.0031    0.1811  0.0062
    baseline MinHashLSH raw @ 0.50         0.0341    0.1120  0.0523
    baseline MinHashLSH raw @ 0.70         0.7500    0.0208  0.0405
    baseline MinHashLSH raw @ 0.90         1.0000    0.0000  0.0000

(Before the normaliser took header date lines -- which these templates put on every page -- out of
the text, the first row was 0.9949 / 0.9799.)  The rows below were measured with noise learned in batch (``learn_noise`` + ``strip_noise``, the
"noise learned in batch" row above), before ingest learned noise as it streams.

Other seeds at the defaults: seed 1 P 0.9988 R 0.9816, seed 2 P 0.9942 R 0.9794, seed 3 P 0.9988
R 0.9768.  The raw-text baseline cannot reach both targets at any threshold: the template makes
different pages of one site alike and copies on two sites unlike.

Tuning (seeds 0 and 1, shingle 5): threshold 0.6 -> P 0.990/0.998, R 0.992/0.991; 0.7 -> P 0.999,
R 0.982; 0.75 -> P 0.999, R 0.977/0.973; 0.8 -> P 1.000/0.999, R 0.960/0.959; 0.9 -> R 0.835/0.850.
0.7 is the highest threshold whose recall stays >= 0.97 on all four seeds, with precision >= 0.994.
Shingle size at 0.8: 3 -> R 0.980, 4 -> 0.973, 5 -> 0.960, 6 -> 0.945, 8 -> 0.908 (P ~1.0); at 0.7,
4 and 5 are within 0.003 of each other, and 5-word shingles are the safer choice against
common-phrase overlap between different articles.  ``num_perm`` (64/128/256) and the LSH split do not
change the results (verification is exact, and the bottom-k containment sample already finds every
candidate: with LSH effectively off, ``bands=1, rows=128``, the scores are identical); 128 keeps
the index small.  The false positives left are follow-up stories whose truncated copy consists
mostly of background paragraphs borrowed from another article (the benchmark's hard negatives).

Exact duplicates: hashing whitespace-normalised text finds all 98 byte-identical BBC pairs plus 2
pairs that differ only in whitespace (``sport/181`` = ``sport/182``, ``sport/432`` = ``sport/438``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Sequence

from newsclaims.evaluation import write_json
from newsclaims.evaluation.neardup_synth import (
    Article,
    _typography,
    _whitespace,
    borrow_background,
    make_copy,
    make_site,
    render_page,
)
from newsclaims.ingest.decode import decode_bytes
from newsclaims.ingest.neardup import NearDupConfig, NearDupIndex, config_dict, shingle_hashes
from newsclaims.ingest.normalize import normalise
from newsclaims.ingest.pagenoise import CHUNK_DOCS, NoiseBook, is_noise, learn_noise, strip_noise

__all__ = [
    "make_copy",
    "make_site",
    "BenchDoc",
    "Article",
    "default_corpus_dir",
    "load_bbc",
    "clean_originals",
    "build_benchmark",
    "evaluate",
    "pairwise_scores",
    "bbc_exact_duplicates",
    "format_report",
    "main",
]


# --- data ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchDoc:
    """One generated page: its feed (site), gold cluster (original key) and the perturbations."""

    doc_id: str
    site: str
    cluster: str
    text: str
    perturbations: tuple[str, ...] = ()


def default_corpus_dir() -> Path:
    """``<repo>/../shared/eval/bbc_news`` (the evaluation data lives next to the repository)."""
    return Path(__file__).resolve().parents[3] / ".." / "shared" / "eval" / "bbc_news"


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")  # one BBC file (sport/199.txt) is Latin-1


def load_bbc(corpus_dir: Path) -> list[Article]:
    """All ``<topic>/*.txt`` articles, sorted by path; line 1 is the title, blank-line paragraphs."""
    articles = []
    for path in sorted(Path(corpus_dir).glob("*/*.txt")):
        text = _decode(path.read_bytes()).replace("\r\n", "\n")
        lines = text.split("\n", 1)
        title = lines[0].strip()
        body = lines[1] if len(lines) > 1 else ""
        paragraphs = tuple(p.strip() for p in re.split(r"\n\s*\n", body) if p.strip())
        if paragraphs:
            articles.append(Article(f"{path.parent.name}/{path.name}", path.parent.name, title, paragraphs))
    return articles


def clean_originals(
    articles: Sequence[Article], max_containment: float = 0.2, shingle_size: int = 5
) -> list[Article]:
    """Articles with no real near-copy in the corpus: of each group linked by exact shingle
    containment >= ``max_containment`` (smaller set in larger), keep only the first by path.

    This is an exact all-pairs overlap count (inverted index), not the method under test."""
    sets = [set(shingle_hashes(_article_text(a), shingle_size).tolist()) for a in articles]
    postings: dict[int, list[int]] = defaultdict(list)
    for i, shingles in enumerate(sets):
        for h in shingles:
            postings[h].append(i)
    parent = list(range(len(articles)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, shingles in enumerate(sets):
        overlap: Counter[int] = Counter(j for h in shingles for j in postings[h] if j > i)
        for j, inter in overlap.items():
            if inter / max(1, min(len(shingles), len(sets[j]))) >= max_containment:
                parent[find(j)] = find(i)
    seen: set[int] = set()
    kept = []
    for i, article in enumerate(articles):
        root = find(i)
        if root not in seen:
            seen.add(root)
            kept.append(article)
    return kept


def _article_text(article: Article) -> str:
    return article.title + "\n\n" + "\n\n".join(article.paragraphs)


# --- the benchmark ---------------------------------------------------------------------------------

COPY_COUNTS = (0, 0, 0, 0, 0, 1, 1, 2, 3, 4)  # extra copies per original (half are singletons)
#: share of originals that reuse background paragraphs of another article of the same topic
BORROW_RATE = 0.15


def build_benchmark(
    corpus_dir: Path | None = None,
    seed: int = 0,
    *,
    n_sites: int = 8,
    max_originals: int | None = None,
    copy_counts: Sequence[int] = COPY_COUNTS,
    articles: Sequence[Article] | None = None,
) -> list["BenchDoc"]:
    """A shuffled list of pages: every clean original once (on a random site) plus 0-4 altered
    copies on random sites (``copy_counts`` is sampled uniformly), gold cluster = original."""
    rng = random.Random(seed)
    if articles is None:
        articles = clean_originals(load_bbc(corpus_dir or default_corpus_dir()))
    originals = list(articles)
    if max_originals is not None and max_originals < len(originals):
        originals = rng.sample(originals, max_originals)
    sites = [make_site(i, rng) for i in range(n_sites)]
    headline_pool = [a.title for a in originals]
    by_topic: dict[str, list[Article]] = defaultdict(list)
    for article in originals:
        by_topic[article.topic].append(article)
    docs: list[BenchDoc] = []
    for article in originals:
        base = ["original"]
        if rng.random() < BORROW_RATE and len(by_topic[article.topic]) > 1:
            donor = rng.choice([a for a in by_topic[article.topic] if a.key != article.key])
            follow_up = borrow_background(article, donor, rng)
            if follow_up is not None:
                article, base = follow_up, ["original", "borrowed"]
        versions = [(article.title, list(article.paragraphs), base)]
        versions += [
            (t, p, base[1:] + a)
            for t, p, a in (make_copy(article, rng) for _ in range(rng.choice(copy_counts)))
        ]
        for n, (title, paragraphs, applied) in enumerate(versions):
            site = rng.choice(sites)
            text = render_page(site, title, paragraphs, rng, headline_pool)
            if n:  # copies only: the original keeps its clean typography
                if rng.random() < 0.6:
                    text, applied = _typography(text, rng), applied + ["typography"]
                if rng.random() < 0.5:
                    text, applied = _whitespace(text, rng), applied + ["whitespace"]
            doc_id = f"{article.key}#{n}"
            docs.append(BenchDoc(doc_id, site.name, article.key, text, tuple(applied)))
    rng.shuffle(docs)
    return docs


# --- scoring ---------------------------------------------------------------------------------------


def pairwise_scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Pairwise precision/recall/F1: a pair of documents is positive when both share a group."""

    def pairs(counts: Iterable[int]) -> int:
        return sum(n * (n - 1) // 2 for n in counts)

    tp = pairs(Counter(zip(gold, predicted)).values())
    pred_pairs, gold_pairs = pairs(Counter(predicted).values()), pairs(Counter(gold).values())
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / gold_pairs if gold_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "tp_pairs": tp,
        "predicted_pairs": pred_pairs,
        "gold_pairs": gold_pairs,
    }


def _stream(
    docs: Sequence[BenchDoc], texts: Sequence[str], index: NearDupIndex, index_duplicates: bool = True
) -> list[str]:
    """Query-then-add over the stream; each doc's group is the kept doc it duplicates (or itself).
    With ``index_duplicates`` a duplicate is also indexed as a member of the kept doc's group."""
    out = []
    for doc, text in zip(docs, texts):
        hit = index.query(text)
        if hit is None:
            index.add(doc.doc_id, text)
            out.append(doc.doc_id)
        else:
            if index_duplicates:
                index.add(doc.doc_id, text, duplicate_of=hit[0])
            out.append(hit[0])
    return out


def denoise_per_site(docs: Sequence[BenchDoc], *, batch: bool = False) -> list[str]:
    """Each doc's article body as ingest computes it: the site's (feed's) noise learned as the
    stream goes, in chunks (:mod:`newsclaims.ingest.pagenoise`), and removed by the normaliser.

    ``batch=True`` instead learns each site's noise from all its pages at once and strips it with
    :func:`~newsclaims.ingest.pagenoise.strip_noise` (the upper bound a streaming learner can reach)."""
    if batch:
        by_site: dict[str, list[str]] = defaultdict(list)
        for doc in docs:
            by_site[doc.site].append(doc.text)
        noise = {site: learn_noise(texts) for site, texts in by_site.items()}
        return [strip_noise(doc.text, noise[doc.site]) for doc in docs]
    book = NoiseBook()  # one feed per site, in memory
    out: list[str] = []
    for start in range(0, len(docs), CHUNK_DOCS):  # the stream in ingest's chunks
        chunk = docs[start : start + CHUNK_DOCS]
        texts = [
            decode_bytes(doc.text.encode("utf-8")).text for doc in chunk
        ]  # mojibake repaired, as ingest does
        learned = book.observe_chunk((doc.site, text) for doc, text in zip(chunk, texts))
        for doc, text in zip(chunk, texts):
            noise = learned[doc.site]
            out.append(
                normalise(
                    text, None, learned_noise=(lambda line, n=noise: is_noise(line, n)) if noise else None
                ).body
            )
    return out


def run_ours(
    docs: Sequence[BenchDoc],
    config: NearDupConfig = NearDupConfig(),
    *,
    denoise: bool = True,
    index_duplicates: bool = True,
    texts: Sequence[str] | None = None,
    batch_noise: bool = False,
) -> dict:
    """Our detector over the stream (noise learned and stripped per site unless ``denoise`` is off)."""
    start = time.perf_counter()
    if texts is None:
        texts = denoise_per_site(docs, batch=batch_noise) if denoise else [d.text for d in docs]
    index = NearDupIndex(config)
    predicted = _stream(docs, texts, index, index_duplicates)
    scores = pairwise_scores([d.cluster for d in docs], predicted)
    scores.update(kept=index.n_kept, seconds=round(time.perf_counter() - start, 2))
    return scores


def _raw_shingles(text: str, k: int) -> list[bytes]:
    words = text.lower().split()
    if len(words) <= k:
        return [" ".join(words).encode("utf-8")] if words else []
    return [" ".join(words[i : i + k]).encode("utf-8") for i in range(len(words) - k + 1)]


def run_baseline(
    docs: Sequence[BenchDoc], threshold: float, *, shingle_size: int = 5, num_perm: int = 128
) -> dict:
    """Plain datasketch MinHash + MinHashLSH over the raw page text at ``threshold``: the best
    LSH hit by estimated Jaccard is the duplicate's group, otherwise the doc is inserted."""
    from datasketch import MinHash, MinHashLSH

    start = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    sketches: dict[str, MinHash] = {}
    group: dict[str, str] = {}
    predicted = []
    for doc in docs:
        sketch = MinHash(num_perm=num_perm)
        sketch.update_batch(_raw_shingles(doc.text, shingle_size))
        hits = lsh.query(sketch)
        if hits:
            best = max(sorted(hits), key=lambda h: sketch.jaccard(sketches[h]))
            group[doc.doc_id] = group[best]
        else:
            lsh.insert(doc.doc_id, sketch)
            sketches[doc.doc_id] = sketch
            group[doc.doc_id] = doc.doc_id
        predicted.append(group[doc.doc_id])
    scores = pairwise_scores([d.cluster for d in docs], predicted)
    scores.update(kept=len(sketches), seconds=round(time.perf_counter() - start, 2))
    return scores


def evaluate(
    docs: Sequence[BenchDoc],
    config: NearDupConfig = NearDupConfig(),
    *,
    baseline: bool = True,
    baseline_thresholds: Sequence[float] = (),
) -> dict:
    """Our detector (noise learned per site) vs plain MinHash LSH on raw text at the same
    threshold (plus any extra ``baseline_thresholds``, to show its precision/recall trade-off)."""
    result = {
        "n_docs": len(docs),
        "n_clusters": len({d.cluster for d in docs}),
        "n_sites": len({d.site for d in docs}),
        "config": config_dict(config),
        "ours": run_ours(docs, config),
        "ours_without_noise_stripping": None,
    }
    result["ours_without_noise_stripping"] = run_ours(docs, config, denoise=False)
    result["ours_batch_noise"] = run_ours(docs, config, batch_noise=True)
    result["ours_without_containment"] = run_ours(docs, replace(config, containment=False))
    result["ours_kept_only_index"] = run_ours(docs, config, index_duplicates=False)
    if baseline:
        thresholds = sorted({config.threshold, *baseline_thresholds})
        result["baseline"] = {
            f"{t:.2f}": run_baseline(docs, t, shingle_size=config.shingle_size, num_perm=config.num_perm)
            for t in thresholds
        }
    return result


# --- exact duplicates in BBC -----------------------------------------------------------------------


def normalised_sha256(text: str) -> str:
    """SHA-256 of the text after NFC and whitespace collapsing, as the pipeline's exact dedup."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def bbc_exact_duplicates(corpus_dir: Path | None = None) -> dict:
    """Groups of BBC files whose normalised text hashes equal, cross-checked with raw-byte MD5."""
    corpus_dir = Path(corpus_dir or default_corpus_dir())
    by_norm: dict[str, list[str]] = defaultdict(list)
    by_md5: dict[str, list[str]] = defaultdict(list)
    files = sorted(corpus_dir.glob("*/*.txt"))
    for path in files:
        raw = path.read_bytes()
        key = f"{path.parent.name}/{path.name}"
        by_norm[normalised_sha256(_decode(raw))].append(key)
        by_md5[hashlib.md5(raw).hexdigest()].append(key)
    groups = sorted(g for g in by_norm.values() if len(g) > 1)
    md5_groups = sorted(g for g in by_md5.values() if len(g) > 1)
    norm_pairs = {pair for g in groups for pair in _pairs(g)}
    byte_pairs = {pair for g in md5_groups for pair in _pairs(g)}
    return {
        "files": len(files),
        "groups": groups,
        "pairs": len(norm_pairs),
        "byte_identical_pairs": len(byte_pairs),
        "byte_identical_found": len(byte_pairs & norm_pairs),
        "whitespace_only_pairs": sorted(norm_pairs - byte_pairs),
    }


def _pairs(group: Sequence[str]) -> list[tuple[str, str]]:
    return [(a, b) for i, a in enumerate(group) for b in group[i + 1 :]]


# --- command line ----------------------------------------------------------------------------------


def _format_row(name: str, s: dict) -> str:
    return (
        f"{name:<34} {s['precision']:>9.4f} {s['recall']:>9.4f} {s['f1']:>9.4f} "
        f"{s['predicted_pairs']:>9d} {s['kept']:>7d} {s['seconds']:>8.1f}"
    )


def format_report(result: dict) -> str:
    lines = [
        f"docs {result['n_docs']}  clusters {result['n_clusters']}  sites {result['n_sites']}  "
        f"gold pairs {result['ours']['gold_pairs']}",
        "config " + json.dumps(result["config"]),
        f"{'system':<34} {'precision':>9} {'recall':>9} {'f1':>9} {'pairs':>9} {'kept':>7} {'seconds':>8}",
        _format_row("ours (noise stripped, containment)", result["ours"]),
        _format_row("ours without noise stripping", result["ours_without_noise_stripping"]),
        _format_row("ours, noise learned in batch", result["ours_batch_noise"]),
        _format_row("ours without containment", result["ours_without_containment"]),
        _format_row("ours, duplicates not indexed", result["ours_kept_only_index"]),
    ]
    for t, scores in result.get("baseline", {}).items():
        lines.append(_format_row(f"baseline MinHashLSH raw @ {t}", scores))
    exact = result.get("bbc_exact")
    if exact:
        lines.append(
            f"BBC exact duplicates by normalised sha256: {exact['pairs']} pairs; "
            f"{exact['byte_identical_found']} of {exact['byte_identical_pairs']} byte-identical pairs "
            f"found, {len(exact['whitespace_only_pairs'])} more differ only in whitespace"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``newsclaims eval neardup``: build the benchmark, evaluate, print a table (and JSON)."""
    parser = argparse.ArgumentParser(prog="newsclaims eval neardup", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--corpus", type=Path, default=None, help="BBC corpus dir (default <repo>/../shared/eval/bbc_news)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-originals", type=int, default=None, help="sample this many originals")
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--shingle-size", type=int, default=None)
    parser.add_argument(
        "--baseline-thresholds",
        default="0.3,0.5,0.7,0.9",
        help="extra thresholds for the raw MinHash baseline (comma separated)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)

    corpus = args.corpus or default_corpus_dir()
    if not corpus.is_dir():
        print(f"corpus not found: {corpus}", file=sys.stderr)
        return 2
    config = NearDupConfig()
    if args.threshold is not None:
        config = replace(config, threshold=args.threshold)
    if args.shingle_size is not None:
        config = replace(config, shingle_size=args.shingle_size)
    docs = build_benchmark(corpus, seed=args.seed, max_originals=args.max_originals)
    extra = [float(t) for t in args.baseline_thresholds.split(",") if t.strip()]
    result = evaluate(docs, config, baseline_thresholds=extra)
    result["bbc_exact"] = bbc_exact_duplicates(corpus)
    print(format_report(result))
    if args.json:
        write_json(args.json, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
