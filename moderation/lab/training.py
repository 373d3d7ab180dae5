"""Training and evaluating the stance and incivility models.

``train`` fits on the training files (never the test split), scores the model
by cross-validation and on the test split, writes ``models/<task>/<version>``
with its metadata, and promotes it when it is not worse than the current model
on the same test split.
"""

import platform
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import joblib
import numpy as np
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from moderation import vocabulary as vocab
from moderation.lab import encoder_head, evaluation
from moderation.ml import calibration, corpus, dense_head, linear, textmodel
from moderation.ml.encoder import open_encoder
from moderation.ml.model_store import (
    LoadedModel,
    ModelError,
    ModelStore,
    load_verified,
    runtime_versions,
    sha256_file,
    write_json_atomic,
)

LABELS = evaluation.LABELS
# the figure that decides promotion: macro-F1 for stance, F1 of "uncivil" (model + lexicon, as served) for incivility
HEADLINE = {vocab.STANCE: "macro_f1", vocab.INCIVILITY: "f1_uncivil"}


def metrics(task, y_true, y_pred) -> dict:
    return evaluation.metrics(task, y_true, y_pred)


def evaluate_model(model, task, paths, encoder=None) -> dict:
    """The served output of ``model`` scored on ``paths`` (see moderation.lab.evaluation)."""
    return evaluation.evaluate(model, paths, encoder)


def train(
    task,
    data_paths,
    test_path,
    models_dir,
    force=False,
    params=None,
    cv_folds=5,
    progress=print,
    encoder="on",
    cache_dir=None,
    promote=True,
) -> dict:
    """Train, evaluate, write and (maybe) promote a model; returns its metadata.

    ``promote=False`` leaves the decision to the caller (the shadow evaluation of
    moderation.lab.feedback_training)."""
    if task not in LABELS:
        raise ValueError(f"unknown task {task!r}; use stance or incivility")
    data_paths = [Path(p) for p in data_paths]
    test_path = Path(test_path) if test_path else None
    if test_path and any(p.resolve() == test_path.resolve() for p in data_paths):
        raise corpus.DataError(f"{test_path} is the test split: it is never trained on")
    texts, labels, files = corpus.labelled(data_paths, task)
    params = textmodel.params_for(task, params)
    missing = sorted(set(LABELS[task]) - set(labels))
    if missing:
        raise corpus.DataError(
            f"{task}: the training data has no comments labelled {', '.join(missing)}; "
            f"train on training_data/comments.jsonl together with the extra file "
            f"(--data training_data/comments.jsonl --data FILE)"
        )
    started = time.perf_counter()
    progress(f"{task}: {len(texts)} training comments from {len(files)} file(s)")
    cv = oof = folds = None
    beta = None
    classes = sorted(set(labels))
    if cv_folds and min(labels.count(label) for label in set(labels)) >= cv_folds:
        progress(f"{task}: {cv_folds}-fold cross-validation of the model (without the lexicon)…")
        step = time.perf_counter()
        folds = StratifiedKFold(n_splits=cv_folds, shuffle=True, random_state=13)
        oof, beta = _out_of_fold(textmodel.build(params), texts, labels, classes, folds, params)
        cv = metrics(task, labels, [classes[j] for j in oof.argmax(axis=1)])
        truth = np.array([classes.index(y) for y in labels])
        cv["ece"] = evaluation.top_label_ece(oof.max(axis=1), oof.argmax(axis=1) == truth)
        progress(f"{task}: cross-validated {HEADLINE[task]} {cv[HEADLINE[task]]} ({time.perf_counter() - step:.1f} s)")
    progress(f"{task}: fitting on all {len(texts)} training comments…")
    step = time.perf_counter()
    # the vocabulary and idf come from every labelled training text, whatever its task: models
    # trained on the same files share one feature space, and a comment is featurised once for all
    space_texts = corpus.space_texts(data_paths)
    if task == vocab.INCIVILITY:
        pipeline = textmodel.WithCategories(textmodel.build(params), vocab.CATEGORIES, params["C"])
        pipeline.fit(texts, labels, corpus.categories_of(data_paths), space_texts=space_texts)
    else:
        pipeline = textmodel.fit(textmodel.build(params), texts, labels, space_texts)
    if beta is not None:
        calibration.scale(pipeline.named_steps["clf"], beta)
        progress(f"{task}: calibrated: inverse temperature {beta} (fitted on the out-of-fold scores)")
    textmodel.prepare(pipeline)
    progress(f"{task}: fitted ({time.perf_counter() - step:.1f} s)")
    version = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    task_dir = Path(models_dir) / task
    task_dir.mkdir(parents=True, exist_ok=True)
    if linear.exportable(pipeline):  # numpy arrays, loaded without unpickling
        artefact, fmt = task_dir / f"{version}.npz", linear.FORMAT
        linear.save(pipeline, artefact)
        served = linear.load(artefact)  # evaluated and canaried as it will be served
    else:  # a classifier the served form does not cover (bench/compare_models.py's svm, cnb, hashing)
        artefact, fmt, served = task_dir / f"{version}.joblib", "joblib", pipeline  # type: ignore[assignment]
        joblib.dump(pipeline, artefact, compress=3)
    meta = {"task": task, "version": version, "file": artefact.name, "format": fmt, "labels": LABELS[task]}
    head = sentence_encoder = None
    if task == vocab.STANCE and oof is not None:
        sentence_encoder, note = open_encoder(encoder)
        if sentence_encoder is None:
            progress(f"stance: no encoder head: the encoder is {note}")
        else:
            head, spec = encoder_head.train_head(
                texts, labels, classes, oof, folds, cache_dir or corpus_cache_dir(), sentence_encoder, progress
            )
            head_file = task_dir / f"{version}.encoder.npz"
            dense_head.save(head, head_file)
            head = dense_head.load(head_file)  # evaluated as it will be served
            meta["encoder"] = dict(spec, file=head_file.name, sha256=sha256_file(head_file))
    model = LoadedModel(task, meta, served, head)
    test = None
    if test_path and test_path.exists():
        progress(f"{task}: scoring the served output on the test split {corpus.display_path(test_path)}…")
        test = evaluate_model(model, task, [test_path], sentence_encoder)
    meta.update(
        {
            "sha256": sha256_file(artefact),
            "sklearn_version": runtime_versions()["sklearn"],
            "python_version": platform.python_version(),
            "dependencies": runtime_versions(),
            "created_at": datetime.now(UTC).isoformat(),
            "training_files": files,
            "test_file": (
                {"path": corpus.display_path(test_path), "sha256": corpus.file_sha256(test_path)} if test else None
            ),
            "code_version": _code_version(),
            "params": {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()},
            "calibration": (
                {
                    "method": "temperature",
                    "inverse_temperature": beta,
                    "fitted_on": f"{cv_folds}-fold out-of-fold scores",
                }
                if beta is not None
                else None
            ),
            "metrics": {"cross_validation": cv, "test": test},
            "train_seconds": round(time.perf_counter() - started, 2),
            "size_bytes": artefact.stat().st_size,
            "canaries": _canaries(model, texts, labels),
        }
    )
    write_json_atomic(task_dir / f"{version}.json", meta)
    load_verified(task_dir, version)  # what was written must verify before anyone may serve it
    if promote:
        meta["promoted"], meta["promotion_note"] = _promote(task, meta, models_dir, force, test_path, sentence_encoder)
    else:
        meta["promoted"], meta["promotion_note"] = False, "not promoted yet: awaiting the shadow evaluation"
    write_json_atomic(task_dir / f"{version}.json", meta)
    return meta


def _out_of_fold(model, texts, labels, classes, folds, params):
    """Out-of-fold probabilities (columns in ``classes`` order) and the inverse temperature that
    calibrates them (None for a classifier without decision values: not calibrated)."""
    if params.get("classifier", "lr") != "lr":
        return cross_val_predict(model, texts, labels, cv=folds, n_jobs=1, method="predict_proba"), None
    logits = cross_val_predict(model, texts, labels, cv=folds, n_jobs=1, method="decision_function")
    truth = np.array([classes.index(y) for y in labels])
    beta = calibration.fit_temperature(logits, truth)
    return calibration.probabilities(logits, beta), beta


def corpus_cache_dir() -> Path:
    from moderation.config import PROJECT_ROOT

    return PROJECT_ROOT / ".cache"


def _code_version():
    """The project's git commit, when there is one (a dirty tree is marked)."""
    root = Path(__file__).resolve().parents[2]
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5)
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "moderation", "plugins"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if commit.returncode != 0:
        return None
    return commit.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def _canaries(model, texts, labels, per_label=2):
    """A few training comments the model gets right, with their expected label."""
    canaries, seen = [], {}
    for text, label in zip(texts, labels):
        if seen.get(label, 0) >= per_label or len(text) > 300:
            continue
        scores = model.scores(text)
        if max(scores, key=scores.get) == label and scores[label] > 0.6:
            canaries.append({"text": text, "expected": label})
            seen[label] = seen.get(label, 0) + 1
    return canaries


def _promote(task, meta, models_dir, force, test_path, sentence_encoder=None):
    """Make the new version current unless it is worse than the current one on the same test split."""
    store = ModelStore(models_dir)
    current_version = store.pointer(task).get("version")
    note = "promoted"
    if current_version and force:
        note = "promoted (forced)"
    elif current_version:
        try:
            current = load_verified(Path(models_dir) / task, current_version)
        except ModelError as exc:
            current, note = None, f"promoted: the current model does not verify ({exc})"
        if current is not None:
            if not meta["metrics"].get("test"):
                return False, "not promoted: no test split to compare on; use --force to promote anyway"
            new_score = meta["metrics"]["test"][HEADLINE[task]]
            old_score = evaluate_model(current, task, [test_path], sentence_encoder)[HEADLINE[task]]
            if new_score < old_score:
                return False, f"not promoted: {HEADLINE[task]} {new_score} < current {old_score} on the same test split"
            note = f"promoted: {HEADLINE[task]} {new_score} >= current {old_score} on the same test split"
    store.activate(task, meta["version"], by="moderation train", rule=note, figures={"test": _headline(meta)})
    return True, note


def _headline(meta):
    test = (meta.get("metrics") or {}).get("test") or {}
    return {HEADLINE[meta["task"]]: test.get(HEADLINE[meta["task"]])} if test else None


def summary(meta) -> str:
    m = meta["metrics"]
    parts = [f"{meta['task']} {meta['version']}: {meta['train_seconds']} s, {meta['size_bytes'] / 1e6:.1f} MB"]
    for name in ("cross_validation", "test"):
        if m.get(name):
            extra = f", F1 uncivil {m[name]['f1_uncivil']}" if "f1_uncivil" in m[name] else ""
            parts.append(f"{name}: accuracy {m[name]['accuracy']}, macro-F1 {m[name]['macro_f1']}{extra}")
    parts.append(meta["promotion_note"])
    return "\n".join(parts)
