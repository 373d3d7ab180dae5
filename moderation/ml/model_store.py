"""Loads, verifies and hot-reloads the trained models in ``models/<task>/``.

Layout: ``<version>.npz`` (the model as numpy arrays, moderation.ml.linear;
read without unpickling, so a worker is ready in a fraction of a second) or,
for models trained before it and for classifiers it does not cover,
``<version>.joblib`` (a pickled scikit-learn pipeline); ``<version>.json`` (its
metadata: sha256, format, versions, labels, canaries, metrics) and
``current.json`` (``{"version": ..., "history": [...]}``), rewritten atomically.
A file is only read after its sha256 matches the metadata the project recorded;
a model that fails any check is refused and the previous one keeps serving.
"""

import json
import logging
import threading
import time
import weakref
from pathlib import Path

from moderation.ml import linear, site_scope
from moderation.ml.artefacts import (
    VERSION_NAME,  # noqa: F401 (the model store's vocabulary, imported from here)
    ModelError,
    check_version,
    encoder_head,
    inside,
    load_pickle,
    runtime_versions,
    sha256_file,
    write_json_atomic,
)
from moderation.ml.encoder import open_encoder
from moderation.vocabulary import SCOPE_SHARED, SCOPE_SITE, TASKS

__all__ = [  # the artefact helpers are the model store's vocabulary too
    "LoadedModel",
    "ModelError",
    "ModelStore",
    "check_version",
    "inside",
    "load_verified",
    "runtime_versions",
    "sha256_file",
    "write_json_atomic",
]
log = logging.getLogger(__name__)


class LoadedModel:
    """A verified model: the estimator plus its metadata."""

    def __init__(self, task, meta, estimator, encoder_head=None):
        self.task = task
        self.meta = meta
        self.estimator = estimator
        self.version = meta["version"]
        self.labels = list(meta["labels"])
        # the second tier (stance): a classifier of sentence-encoder embeddings, see plugins/encoder.py
        self.encoder_head = encoder_head

    def predict_proba(self, texts):
        """One ``{label: probability}`` dict per text."""
        probs = self.estimator.predict_proba(list(texts))
        classes = [str(c) for c in self.estimator.classes_]
        return [{label: float(row[classes.index(label)]) for label in self.labels} for row in probs]

    def scores(self, text):
        return self.predict_proba([text])[0]


def load_verified(task_dir: Path, version: str, spaces: dict | None = None) -> LoadedModel:
    """Load ``version`` from ``task_dir`` or raise ModelError saying why not.
    The version name and the artefact's file name are checked before anything is read.
    ``spaces``: feature spaces already loaded (moderation.ml.linear), shared when they match."""
    if not version:
        raise ModelError(
            f"no {task_dir.name} model: no version is active; train one (moderation train --task {task_dir.name})"
        )
    check_version(version)
    meta_path = inside(task_dir, f"{version}.json")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{meta_path}: unreadable metadata ({exc})") from exc
    if not isinstance(meta, dict) or meta.get("version", version) != version:
        raise ModelError(f"{meta_path}: the metadata is not that of version {version}")
    artefact = inside(task_dir, meta.get("file", f"{version}.joblib"))
    if not artefact.is_file():
        raise ModelError(f"{artefact}: missing artefact")
    digest = sha256_file(artefact)
    if digest != meta.get("sha256"):
        raise ModelError(
            f"{artefact}: sha256 {digest[:12]}… does not match the recorded {str(meta.get('sha256'))[:12]}…"
        )
    fmt = meta.get("format", "joblib")
    if fmt not in (linear.FORMAT, "joblib"):
        raise ModelError(f"{artefact}: unknown artefact format {fmt!r}; this service reads {linear.FORMAT} and joblib")
    if fmt == linear.FORMAT:
        try:
            estimator = linear.load(artefact, spaces)
        except Exception as exc:
            raise ModelError(f"{artefact}: could not be loaded ({type(exc).__name__}: {exc})") from exc
    else:
        estimator = load_pickle(artefact, meta)
    classes = sorted(str(c) for c in getattr(estimator, "classes_", []))
    if classes != sorted(meta.get("labels", [])):
        raise ModelError(f"{artefact}: labels {classes} do not match the metadata's {sorted(meta.get('labels', []))}")
    model = LoadedModel(task_dir.name, meta, estimator, encoder_head(task_dir, meta))
    for canary in meta.get("canaries", []):
        scores = model.scores(canary["text"])
        label = max(scores, key=scores.get)
        if label != canary["expected"]:
            raise ModelError(f"{artefact}: canary {canary['text'][:40]!r} gave {label}, expected {canary['expected']}")
    return model


class ModelStore:
    """The active model per task, reloaded when ``current.json`` changes.

    Every worker process has its own store; ``poll`` checks at most every
    ``reload_seconds`` whether the pointer moved, so an activation reaches every
    worker within a few seconds without a restart.
    """

    def __init__(self, root, reload_seconds=3.0, encoder="on", encoder_threads=None):
        self.root = Path(root)
        self.reload_seconds = reload_seconds
        self.encoder_setting = encoder
        self.encoder_threads = encoder_threads
        self._encoder = None
        self._encoder_opened = False
        self._models = {}
        self._site_models = {}  # (task, site name) -> LoadedModel: site-scoped models (site_scope.py)
        self._pointer_stamp = {}
        self._checked = {}
        self.errors = {}
        self._lock = threading.Lock()
        self._spaces = weakref.WeakValueDictionary()  # feature spaces the loaded models share

    def get(self, task, site=None):
        """The model serving ``task`` now (for ``site``: its own model when it has one,
        else the shared one), or None (then ``errors[task]`` says why)."""
        if site is not None:
            own = self._site_models.get((task, site))
            if own is not None:
                return own
        return self._models.get(task)

    def encoder(self):
        """The sentence encoder (moderation.ml.encoder), opened once; None when off or
        unavailable, and then ``errors["encoder"]`` says why."""
        if not self._encoder_opened:
            with self._lock:
                if not self._encoder_opened:
                    self._encoder, note = open_encoder(self.encoder_setting, self.encoder_threads)
                    if self._encoder is None:
                        self.errors["encoder"] = note
                        (log.info if note.startswith("off") else log.warning)("sentence encoder %s", note)
                    self._encoder_opened = True
        return self._encoder

    def encoder_status(self) -> str:
        encoder = self.encoder()
        return f"ok: {encoder.name}" if encoder else self.errors.get("encoder", "unavailable")

    def scope(self, task, site=None) -> str:
        """``"site"`` when ``site`` is served its own ``task`` model, else ``"shared"``."""
        return SCOPE_SITE if site is not None and (task, site) in self._site_models else SCOPE_SHARED

    def poll(self, force=False) -> None:
        """Reload any task whose ``current.json`` moved; at most every ``reload_seconds``.

        Called before plugins run, so loading a model never eats a plugin's budget.
        """
        now = time.monotonic()
        for task in TASKS:
            if force or now - self._checked.get(task, -1e9) >= self.reload_seconds:
                self._checked[task] = now
                self.refresh(task)

    def refresh(self, task) -> None:
        """Load the version ``current.json`` names, if it changed; keep the old on failure."""
        pointer = self.root / task / "current.json"
        try:
            stat = pointer.stat()
        except FileNotFoundError:
            self.errors[task] = f"no {pointer}: train a model first (moderation train --task {task})"
            return
        stamp = (stat.st_mtime_ns, stat.st_size)
        if self._pointer_stamp.get(task) == stamp:
            return
        with self._lock:
            if self._pointer_stamp.get(task) == stamp:
                return
            self._pointer_stamp[task] = stamp
            try:
                version = json.loads(pointer.read_text(encoding="utf-8"))["version"]
                current = self._models.get(task)
                if current is None or current.version != version:
                    self._models[task] = load_verified(self.root / task, version, self._spaces)
                    log.info("serving %s model %s", task, version)
                self._refresh_sites(task)
                self.errors.pop(task, None)
            except (ModelError, OSError, ValueError, KeyError) as exc:
                self.errors[task] = str(exc)
                log.error("refused %s model: %s", task, exc)

    def _refresh_sites(self, task) -> None:
        """Load the site-scoped versions ``current.json`` names under ``"sites"``; a site whose
        model fails its checks is served the shared model (and the failure is logged)."""
        wanted = site_scope.site_versions(self.pointer(task))
        for key in [k for k in self._site_models if k[0] == task and k[1] not in wanted]:
            del self._site_models[key]
        for site, version in wanted.items():
            current = self._site_models.get((task, site))
            if current is not None and current.version == version:
                continue
            try:
                self._site_models[(task, site)] = load_verified(self.root / task, version, self._spaces)
                log.info("serving %s model %s to site %s", task, version, site)
            except ModelError as exc:
                self._site_models.pop((task, site), None)
                log.error("refused %s model %s for site %s: %s", task, version, site, exc)

    def versions(self, task) -> list[dict]:
        """Metadata of every version on disk, newest first, marked active or not."""
        task_dir = self.root / task
        active = self.pointer(task).get("version")
        rows = []
        for meta_path in sorted(task_dir.glob("*.json")):
            if meta_path.name in ("current.json", site_scope.ACTIVATIONS):
                continue
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            meta["active"] = meta.get("version") == active
            rows.append(meta)
        return sorted(rows, key=lambda m: m.get("created_at", ""), reverse=True)

    def pointer(self, task) -> dict:
        try:
            return json.loads((self.root / task / "current.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def activate(self, task, version, site=None, by="cli", rule=None, figures=None) -> LoadedModel:
        """Verify ``version`` and make it current (for ``site`` only, when given); raises
        ModelError if it fails.  Every activation is logged with who or which rule did it."""
        if task not in TASKS:
            raise ModelError(f"no task {task!r}; tasks: {', '.join(TASKS)}")
        model = load_verified(self.root / task, version)
        pointer = self.pointer(task)
        if site is not None:
            pointer = site_scope.with_site_version(pointer, site, version)
        else:
            history = pointer.get("history", [])
            if pointer.get("version") and pointer["version"] != version:
                history = history + [pointer["version"]]
            pointer = {**pointer, "version": version, "history": history[-20:]}
        write_json_atomic(self.root / task / "current.json", pointer)
        site_scope.log_activation(self.root / task, version, site, by, rule, figures)
        return model

    def rollback(self, task) -> str:
        """Return to the version active before the current one."""
        pointer = self.pointer(task)
        history = [
            v
            for v in pointer.get("history", [])
            if isinstance(v, str) and VERSION_NAME.fullmatch(v) and (self.root / task / f"{v}.json").exists()
        ]
        if not history:  # versions deleted from disk since are skipped
            raise ModelError(f"{task}: no earlier version to roll back to")
        previous = history.pop()
        load_verified(self.root / task, previous)
        write_json_atomic(self.root / task / "current.json", {**pointer, "version": previous, "history": history})
        site_scope.log_activation(self.root / task, previous, None, "cli", "rollback", None)
        return previous

    def status(self) -> dict:
        out: dict = {}
        for task in TASKS:
            model = self._models.get(task)
            out[task] = {"version": model.version if model else None, "error": self.errors.get(task)}
        out["encoder"] = self.encoder_status()
        return out
