"""Refuse an install (the container image's build) whose models do not load.

``python deploy/verify_models.py MODELS_DIR`` loads each task's active version through the
service's own model store, which checks its sha256, library versions and canary inputs, opens the
sentence encoder where its wheel exists (Linux x86_64), prints what it found, and exits 1 if
anything is missing or does not verify.
"""

import json
import platform
import sys

from moderation.ml.model_store import ModelStore
from moderation.vocabulary import TASKS


def main(root: str) -> int:
    store = ModelStore(root, reload_seconds=3600)
    store.poll(force=True)
    status = store.status()
    print(json.dumps(status, indent=1))
    problems = [
        f"{task}: {status[task]['error'] or 'no active model'}" for task in TASKS if not status[task]["version"]
    ]
    if platform.system() == "Linux" and platform.machine() == "x86_64" and not status["encoder"].startswith("ok"):
        problems.append(f"encoder: {status['encoder']}")
    for problem in problems:
        print(f"models in {root} do not verify: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "models"))
