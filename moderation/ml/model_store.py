"""Loads, verifies and hot-reloads the trained models in ``models/<task>/``.

Layout: ``<version>.joblib`` (the fitted scikit-learn pipeline), ``<version>.json``
(its metadata: sha256, versions, labels, canaries, metrics) and ``current.json``
(``{"version": ..., "history": [...]}``), rewritten atomically.  joblib files are
pickles, so a file is only unpickled after its sha256 matches the metadata the
project recorded; a model that fails any check is refused and the previous one
keeps serving.
"""

import hashlib
import json
import logging
import os
import re
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

import joblib
import sklearn

from moderation.vocabulary import TASKS

log = logging.getLogger(__name__)
VERSION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")
FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,150}")


class ModelError(Exception):
    """A model artefact that must not be served."""


def sha256_file(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_json_atomic(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2)
        f.write("\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


class LoadedModel:
    """A verified model: the estimator plus its metadata."""

    def __init__(self, task, meta, estimator):
        self.task = task
        self.meta = meta
        self.estimator = estimator
        self.version = meta["version"]
        self.labels = list(meta["labels"])

    def predict_proba(self, texts):
        """One ``{label: probability}`` dict per text."""
        probs = self.estimator.predict_proba(list(texts))
        classes = [str(c) for c in self.estimator.classes_]
        return [{label: float(row[classes.index(label)]) for label in self.labels} for row in probs]

    def scores(self, text):
        return self.predict_proba([text])[0]


def check_version(version) -> str:
    """A version name is a plain identifier (``20261122T134149893971Z``): no path, no ``..``."""
    if not isinstance(version, str) or not VERSION_NAME.fullmatch(version):
        raise ModelError(f"{str(version)[:80]!r} is not a version name (letters, digits, '_' and '-' only)")
    return version


def inside(task_dir: Path, name) -> Path:
    """``task_dir / name`` if ``name`` is a plain file name that stays in ``task_dir``
    (symbolic links followed), else ModelError: nothing outside it is ever opened."""
    if not isinstance(name, str) or not FILE_NAME.fullmatch(name):
        raise ModelError(f"{task_dir.name}: {str(name)[:80]!r} is not a plain file name in the model folder")
    path = task_dir / name
    if not path.resolve().is_relative_to(task_dir.resolve()):
        raise ModelError(f"{task_dir.name}: {name} points outside the model folder")
    return path


def load_verified(task_dir: Path, version: str) -> LoadedModel:
    """Load ``version`` from ``task_dir`` or raise ModelError saying why not.
    The version name and the artefact's file name are checked before anything is read."""
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
    if meta.get("sklearn_version") != sklearn.__version__:
        raise ModelError(
            f"{artefact}: trained with scikit-learn {meta.get('sklearn_version')}, "
            f"this service runs {sklearn.__version__}; retrain it"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # InconsistentVersionWarning and friends refuse the model
        try:
            estimator = joblib.load(artefact)
        except Exception as exc:
            raise ModelError(f"{artefact}: could not be loaded ({type(exc).__name__}: {exc})") from exc
    classes = sorted(str(c) for c in getattr(estimator, "classes_", []))
    if classes != sorted(meta.get("labels", [])):
        raise ModelError(f"{artefact}: labels {classes} do not match the metadata's {sorted(meta.get('labels', []))}")
    model = LoadedModel(task_dir.name, meta, estimator)
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

    def __init__(self, root, reload_seconds=3.0):
        self.root = Path(root)
        self.reload_seconds = reload_seconds
        self._models = {}
        self._pointer_stamp = {}
        self._checked = {}
        self.errors = {}
        self._lock = threading.Lock()

    def get(self, task):
        """The model serving ``task`` now, or None (then ``errors[task]`` says why)."""
        return self._models.get(task)

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
                    self._models[task] = load_verified(self.root / task, version)
                    log.info("serving %s model %s", task, version)
                self.errors.pop(task, None)
            except (ModelError, OSError, ValueError, KeyError) as exc:
                self.errors[task] = str(exc)
                log.error("refused %s model: %s", task, exc)

    def versions(self, task) -> list[dict]:
        """Metadata of every version on disk, newest first, marked active or not."""
        task_dir = self.root / task
        active = self.pointer(task).get("version")
        rows = []
        for meta_path in sorted(task_dir.glob("*.json")):
            if meta_path.name == "current.json":
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

    def activate(self, task, version) -> LoadedModel:
        """Verify ``version`` and make it current; raises ModelError if it fails."""
        if task not in TASKS:
            raise ModelError(f"no task {task!r}; tasks: {', '.join(TASKS)}")
        model = load_verified(self.root / task, version)
        pointer = self.pointer(task)
        history = pointer.get("history", [])
        if pointer.get("version") and pointer["version"] != version:
            history = history + [pointer["version"]]
        write_json_atomic(self.root / task / "current.json", {"version": version, "history": history[-20:]})
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
        write_json_atomic(self.root / task / "current.json", {"version": previous, "history": history})
        return previous

    def status(self) -> dict:
        out = {}
        for task in TASKS:
            model = self._models.get(task)
            out[task] = {"version": model.version if model else None, "error": self.errors.get(task)}
        return out


def runtime_versions() -> dict:
    import numpy
    import scipy

    return {
        "python": sys.version.split()[0],
        "sklearn": sklearn.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
    }
