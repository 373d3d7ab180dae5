"""``moderation train --feedback``: the corpus plus moderator-labelled examples, promoted only by a shadow evaluation.

The moderator-labelled examples (imports, label corrections and confirmed
labels: moderation.storage.labelled_examples) are split by time: the newest
share (at least 20%) is held out, the rest joins the training corpus, each
example counted ``weight`` times (default 3) because it is real.  The
candidate and the model it would replace are then scored on the held-out
examples and on the test split (moderation.lab.shadow), and the candidate is
activated only when the rule there holds.

With ``site``: only that site's examples, at least ``min_examples`` of them;
the candidate is compared with the model that site is served now and, when
promoted, is served to that site only (models/<task>/current.json "sites").
"""

import json
import tempfile
from pathlib import Path

from moderation.lab import shadow, training
from moderation.ml import corpus
from moderation.ml.model_store import ModelError, ModelStore, load_verified, write_json_atomic
from moderation.ml.site_scope import site_versions
from moderation.vocabulary import SCOPE_SHARED

DEFAULT_WEIGHT = 3
DEFAULT_MIN_SITE_EXAMPLES = 300


def labelled_for(task, examples) -> list[dict]:
    out = []
    for row in examples:
        label = corpus.label_of(row, task)
        if label is not None and row.get("text"):
            out.append(row)
    return out


def current_version(store: ModelStore, task, site=None) -> str | None:
    """The version ``site`` (or every site, for None) is served now."""
    pointer = store.pointer(task)
    return (site_versions(pointer).get(site) if site else None) or pointer.get("version")


def train(
    task,
    data_paths,
    test_path,
    models_dir,
    examples,
    site=None,
    weight=DEFAULT_WEIGHT,
    min_examples=DEFAULT_MIN_SITE_EXAMPLES,
    progress=print,
    params=None,
) -> dict | None:
    """Train, shadow-evaluate and maybe promote; the candidate's metadata, or None when
    there are no labelled examples for ``task`` (then train as usual)."""
    rows = labelled_for(task, examples)
    if not rows:
        return None
    if site and len(rows) < min_examples:
        raise corpus.DataError(
            f"site {site!r} has {len(rows)} moderator-labelled {task} example(s); a site model needs "
            f"{min_examples} (MODERATION_SITE_MODEL_MIN_EXAMPLES)"
        )
    older, held = shadow.split_by_time(rows)
    progress(
        f"{task}: {len(older)} moderator-labelled examples join the corpus (x{weight}), {len(held)} newest held out"
    )
    with tempfile.TemporaryDirectory(prefix="moderation-feedback-") as tmp:
        extra = Path(tmp) / "moderator-labelled.jsonl"
        with open(extra, "w", encoding="utf-8") as f:
            for row in older:
                line = json.dumps(_as_labelled(row), ensure_ascii=False) + "\n"
                f.write(line * weight)
        meta = training.train(
            task,
            list(data_paths) + [extra],
            test_path,
            models_dir,
            params=params,
            cv_folds=0,
            progress=progress,
            promote=False,
        )
    meta["training_files"][-1] = {
        "path": "moderator-labelled examples (database)",
        "rows": len(older),
        "weight": weight,
        "site": site,
    }
    store = ModelStore(models_dir)
    task_dir = Path(models_dir) / task
    candidate = load_verified(task_dir, meta["version"])
    progress(f"{task}: shadow evaluation on {len(held)} held-out examples and the test split…")
    candidate_figures = shadow.figures(candidate, task, held, test_path)
    current_figures, version = None, current_version(store, task, site)
    if version:
        try:
            current_figures = shadow.figures(load_verified(task_dir, version), task, held, test_path)
        except ModelError as exc:
            progress(f"{task}: the current model {version} does not verify ({exc}); comparing with nothing")
    promoted, note = shadow.decide(task, candidate_figures, current_figures)
    meta["scope"] = {"site": site} if site else SCOPE_SHARED
    meta["feedback"] = {"examples": len(rows), "trained_on": len(older), "held_out": len(held), "weight": weight}
    meta["shadow"] = {
        "compared": {
            "held_out": f"the newest {len(held)} of {len(rows)} moderator-labelled {task} examples"
            + (f" of site {site}" if site else ""),
            "test": corpus.display_path(test_path) if test_path else None,
            "headline": shadow.HEADLINE[task],
            "test_margin": shadow.TEST_MARGIN,
        },
        "candidate": candidate_figures,
        "current": current_figures,
    }
    meta["promoted"], meta["promotion_note"] = promoted, note
    if promoted:
        store.activate(
            task,
            meta["version"],
            site=site,
            by="moderation train --feedback",
            rule=note,
            figures={"candidate": _headlines(candidate_figures), "current": _headlines(current_figures)},
        )
    write_json_atomic(task_dir / f"{meta['version']}.json", meta)
    return meta


def _headlines(figures):
    if not figures:
        return None
    return {k: figures[k]["headline"] for k in ("held_out", "test") if k in figures} | {"version": figures["version"]}


def _as_labelled(row):
    out = {"text": row["text"]}
    if row.get("stance"):
        out["stance"] = row["stance"]
    if row.get("uncivil") is not None:
        out["uncivil"] = bool(row["uncivil"])
        out["categories"] = list(row.get("categories") or []) if row["uncivil"] else []
    return out


def report(meta) -> dict:
    """What ``--json`` prints: what was compared, both models' figures, and whether it was promoted."""
    return {
        "task": meta["task"],
        "version": meta["version"],
        "scope": meta.get("scope", SCOPE_SHARED),
        "feedback": meta.get("feedback"),
        "compared": (meta.get("shadow") or {}).get("compared"),
        "candidate": (meta.get("shadow") or {}).get("candidate"),
        "current": (meta.get("shadow") or {}).get("current"),
        "promoted": meta["promoted"],
        "note": meta["promotion_note"],
    }
