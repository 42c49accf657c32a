"""Attributed-claim evaluation on PolNeAR-format data (``newsclaims eval attribution DIR``).

``DIR`` is a split folder holding ``text/<article>.txt`` (raw UTF-8 articles) and
``attributions/<article>_<annotator>.ann`` (brat standoff: ``Source`` / ``Cue`` / ``Content`` spans
tied together by ``E`` relations; ``Content2`` is a second content part). When an article has
several ``.ann`` files (agreement checks), the first by sorted file name is the gold.

The texts go through the real pipeline (a ``text_dir`` source in a temporary sources file,
:func:`newsclaims.pipeline.run_local` into a throw-away warehouse); the ``claims`` table's spans
(offsets into ``articles.body``) are mapped back to the raw files with
:func:`newsclaims.ingest.normalize.body_to_raw` and scored against the gold spans:

Per role (source, cue, content), over the *set of distinct spans* of that role in each document,
micro-averaged over documents:

* ``exact (fragments)`` -- a span is its set of fragments after whitespace is stripped from every
  fragment's edges and fragments separated only by whitespace are merged; spans must be identical.
  A predicted claim's ``content_spans`` are its fragments; gold discontinuous spans
  (``a b;c d``, and ``Content`` + ``Content2``) are theirs.
* ``exact (outer)`` -- first to last character of the (stripped) span; inner gaps ignored.
* ``J>=0.5 (1:1)`` -- word-token Jaccard >= 0.5 under a one-to-one matching (pairs taken by
  decreasing Jaccard). Tokens are runs of ``\\w`` characters; punctuation (quote marks, periods,
  commas) is ignored unless a span holds no word at all.
* ``any overlap`` -- a span counts when it shares at least one token with some span of the other
  side (not one-to-one; the most lenient view).
* ``soft Jaccard`` -- CofeNet-style averaged token Jaccard: precision is the mean, over predicted
  spans, of the best Jaccard with a gold span; recall the mean, over gold spans, of the best
  Jaccard with a predicted span.

Attribution level: predicted claims and gold relations are matched one-to-one on their content
(``J>=0.5`` as above); ``content`` counts matched pairs, ``content+source`` those whose sources
also match (J>=0.5; both absent also matches), ``content+source+cue`` adds the cue.
``content+source (exact)`` requires both spans identical (fragments, as above).

The scoring functions (:func:`parse_ann`, :func:`normalize_span`, :func:`score_documents`, ...)
are pure and take texts and spans only; :func:`run_pipeline` is the only part that touches the
pipeline. Run ``python -m newsclaims.evaluation.attribution DIR --errors 10`` to also print the
boundary differences of near misses and samples of misses / false alarms.

The package: :mod:`~.spans` (records, brat, span arithmetic), :mod:`~.scoring`, :mod:`~.errors`
(``--errors N``), :mod:`~.data` (gold files and the pipeline run), :mod:`~.report`, :mod:`~.command`.
"""

from newsclaims.evaluation.attribution.command import main
from newsclaims.evaluation.attribution.data import load_gold, run_pipeline, speaker_inputs
from newsclaims.evaluation.attribution.errors import error_analysis, format_errors
from newsclaims.evaluation.attribution.report import format_report
from newsclaims.evaluation.attribution.scoring import (
    attribution_scores,
    breakdowns,
    role_scores,
    score_documents,
)
from newsclaims.evaluation.attribution.spans import (
    ATTRIBUTION_METRICS,
    JACCARD_THRESHOLD,
    PRF,
    ROLES,
    SPAN_METRICS,
    Attribution,
    Document,
    Fragments,
    Tokens,
    default_data_dir,
    jaccard,
    match_one_to_one,
    normalize_span,
    outer_span,
    parse_ann,
    text_alignment,
)

__all__ = [
    "Attribution",
    "Document",
    "Fragments",
    "PRF",
    "ROLES",
    "SPAN_METRICS",
    "ATTRIBUTION_METRICS",
    "JACCARD_THRESHOLD",
    "default_data_dir",
    "parse_ann",
    "normalize_span",
    "outer_span",
    "Tokens",
    "jaccard",
    "match_one_to_one",
    "text_alignment",
    "role_scores",
    "attribution_scores",
    "breakdowns",
    "score_documents",
    "load_gold",
    "run_pipeline",
    "speaker_inputs",
    "error_analysis",
    "format_report",
    "format_errors",
    "main",
]
