"""Shadow evaluation: a candidate and the model it would replace, scored on the same data.

Two data sets: the newest share of the moderator-labelled examples by time (at
least 20%, never trained on by the candidate: real, in-domain, and "the
future" relative to what it learnt from) and the project's test split.

The promotion rule: the candidate must be **better** than the current model on
the held-out examples (its headline figure strictly higher), and **not
materially worse** on the test split: at most ``TEST_MARGIN`` (0.02) below
the current model's headline figure.  The margin lets a site model trade a
little of the project's own (written) comments for its real ones; more than
that means it forgot the guide's labels, and it is refused.
"""

import math

from moderation import vocabulary as vocab
from moderation.lab import evaluation

HEADLINE = {vocab.STANCE: "macro_f1", vocab.INCIVILITY: "f1_uncivil"}
HOLDOUT_SHARE = 0.2
TEST_MARGIN = 0.02


def split_by_time(rows: list[dict], share: float = HOLDOUT_SHARE) -> tuple[list[dict], list[dict]]:
    """``(older, newest)``: the newest ``share`` (rounded up, at least one) held out."""
    share = max(share, HOLDOUT_SHARE)
    ordered = sorted(rows, key=lambda r: r["at"])
    held = max(1, math.ceil(len(ordered) * share)) if ordered else 0
    return ordered[: len(ordered) - held], ordered[len(ordered) - held :]


def figures(model, task, held_out, test_path) -> dict:
    """The model's figures on the held-out rows and on the test split."""
    out = {"version": model.version}
    held = evaluation.evaluate_rows(model, held_out)
    out["held_out"] = _short(task, held)
    if test_path:
        out["test"] = _short(task, evaluation.evaluate(model, [test_path]))
    return out


def _short(task, result) -> dict:
    keep = {"n", "accuracy", "macro_f1", "f1_uncivil", "per_class"}
    out = {k: v for k, v in result.items() if k in keep}
    out["headline"] = result[HEADLINE[task]]
    return out


def decide(task, candidate: dict, current: dict | None, margin: float = TEST_MARGIN) -> tuple[bool, str]:
    """Whether the candidate's figures earn it the promotion, and why (see the module's rule)."""
    name = HEADLINE[task]
    if current is None:
        return True, "promoted: there is no current model to compare with"
    new_held, old_held = candidate["held_out"]["headline"], current["held_out"]["headline"]
    if new_held <= old_held:
        return False, f"not promoted: held-out {name} {new_held} is not better than the current {old_held}"
    if "test" in candidate and "test" in current:
        new_test, old_test = candidate["test"]["headline"], current["test"]["headline"]
        if new_test < old_test - margin:
            return False, (
                f"not promoted: test-split {name} {new_test} is more than {margin} below the current {old_test}"
            )
        return True, (
            f"promoted: held-out {name} {new_held} > current {old_held}; "
            f"test-split {name} {new_test} within {margin} of current {old_test} or better"
        )
    return True, f"promoted: held-out {name} {new_held} > current {old_held} (no test split to compare on)"
