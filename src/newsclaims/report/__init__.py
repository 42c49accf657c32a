"""Reports people read: story dossiers, entity pages and run health, as HTML, Markdown or terminal tables.

Reports read only the DuckDB warehouse, on a read-only connection; their SQL lives in the warehouse's
``rpt_`` views (``load/sql/views/3NN_rpt_*.sql``), so every number is one query away.
"""

from newsclaims.report.data import ReportError, entity_report, run_report, story_report
from newsclaims.report.render import to_html, to_markdown, to_terminal

__all__ = [
    "ReportError",
    "story_report",
    "entity_report",
    "run_report",
    "to_html",
    "to_markdown",
    "to_terminal",
]
