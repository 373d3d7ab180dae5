"""Model artefacts on disk: names that stay inside their folder, hashes, atomic metadata
writes, and the pickle formats that are still read (older ``.joblib`` models and older
encoder heads), each only after its hash matched what the project recorded."""

import hashlib
import json
import os
import re
import sys
import tempfile
import warnings
from pathlib import Path

from moderation.ml import dense_head

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


def load_pickle(artefact, meta):
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


def encoder_head(task_dir: Path, meta: dict):
    """The encoder head a model's metadata names (``meta["encoder"]["file"]``), verified like the model; or None."""
    spec = meta.get("encoder") or {}
    if not spec.get("file"):
        return None
    artefact = task_dir / spec["file"]
    if not artefact.is_file() or sha256_file(artefact) != spec.get("sha256"):
        raise ModelError(f"{artefact}: the encoder head is missing or its sha256 does not match the metadata")
    try:
        if artefact.suffix == ".npz":  # numpy arrays: no unpickling, no scikit-learn
            head = dense_head.load(artefact)
        else:  # an older head: a joblib pickle of the fitted LogisticRegression
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                import joblib

                head = joblib.load(artefact)
    except Exception as exc:
        raise ModelError(f"{artefact}: could not be loaded ({type(exc).__name__}: {exc})") from exc
    if sorted(str(c) for c in getattr(head, "classes_", [])) != sorted(meta.get("labels", [])):
        raise ModelError(f"{artefact}: the encoder head's labels do not match the model's")
    return head


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
