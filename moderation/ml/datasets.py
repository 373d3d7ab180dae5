"""Where the project's labelled data lives."""

from moderation.config import PROJECT_ROOT

TRAINING_DIR = PROJECT_ROOT / "training_data"
TEST_SPLIT = TRAINING_DIR / "test.jsonl"


def default_test_split() -> str:
    return str(TEST_SPLIT)


def default_training_files() -> list[str]:
    """Every labelled file in training_data/ except the test split."""
    return [
        str(p)
        for p in sorted(TRAINING_DIR.glob("*.jsonl")) + sorted(TRAINING_DIR.glob("*.csv"))
        if p.resolve() != TEST_SPLIT.resolve()
    ]
