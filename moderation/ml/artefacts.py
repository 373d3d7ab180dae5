"""One model version on disk: its files, their checks, and loading it (``load_verified``).

``<version>.npz`` (numpy arrays, moderation.ml.linear) or ``<version>.joblib`` (a pickled
scikit-learn pipeline) beside ``<version>.json``, its metadata. A file is only read after
its sha256 matches the metadata; a model that fails any check raises ``ModelError``.
``model_store`` serves the active versions and re-exports these names.
"""

import hashlib
import json
import logging
import os
import re
import sys
import tempfile
import warnings
from pathlib import Path

from moderation.ml import linear

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
        estimator = _load_pickle(artefact, meta)
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


def _load_pickle(artefact, meta):
    """An older artefact: a joblib pickle of the scikit-learn pipeline, for the same scikit-learn only."""
    import joblib
    import sklearn

    if meta.get("sklearn_version") != sklearn.__version__:
        raise ModelError(
            f"{artefact}: trained with scikit-learn {meta.get('sklearn_version')}, "
            f"this service runs {sklearn.__version__}; retrain it"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # InconsistentVersionWarning and friends refuse the model
        try:
            return joblib.load(artefact)
        except Exception as exc:
            raise ModelError(f"{artefact}: could not be loaded ({type(exc).__name__}: {exc})") from exc


def runtime_versions() -> dict:
    import joblib
    import numpy
    import scipy
    import sklearn

    return {
        "python": sys.version.split()[0],
        "sklearn": sklearn.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
    }
