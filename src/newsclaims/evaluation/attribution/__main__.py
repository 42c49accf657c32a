"""``python -m newsclaims.evaluation.attribution DIR``: the same as ``newsclaims eval attribution DIR``."""

from newsclaims.evaluation.attribution.command import main

raise SystemExit(main())
