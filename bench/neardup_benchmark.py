"""Run the near-duplicate benchmark (thin wrapper around ``newsclaims eval neardup``).

Usage: ``.venv/bin/python bench/neardup_benchmark.py [--corpus DIR] [--seed N] [--json out.json]``
"""

from __future__ import annotations

import sys

from newsclaims.evaluation.neardup_eval import main

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
