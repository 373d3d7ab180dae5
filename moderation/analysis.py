"""The analysis object (DESIGN.md) and its parts as typed dictionaries, defined once.

The same JSON travels through the plugin hooks (``moderation.hookspecs``), the pipeline
(which merges the findings), storage (``analyses.result``), the API's responses and the
OpenAPI document (``ANALYSIS_SCHEMA`` below is derived from these shapes and the
vocabulary). At run time they are plain ``dict``s: ``TypedDict`` only tells mypy and the
reader which keys there are. Imports only the vocabulary.
"""

from typing import Any, NotRequired, TypedDict

from moderation import vocabulary as vocab


class Evidence(TypedDict):
    """A word (or word pair) of the comment and how hard it pushed the model."""

    term: str
    weight: float


class Stance(TypedDict):
    label: str  # one of vocabulary.STANCES
    scores: dict[str, float]  # every stance label -> probability
    evidence: NotRequired[list[Evidence]]


class Span(TypedDict):
    """Offending words: ``text[start:end]``, with the category they belong to."""

    start: int
    end: int
    text: str
    category: str  # one of vocabulary.CATEGORIES
    confidence: NotRequired[float]  # the lexicon's confidence: lower for reported speech, quotes, news of violence
    targeted: NotRequired[bool]  # threat spans only: aimed at a person (or their home or office)
    target: NotRequired[str | None]  # threat spans: who it is aimed at (je, hem, wethouder, …)


class Incivility(TypedDict):
    uncivil: bool
    score: float
    model_score: NotRequired[float]
    doubt: NotRequired[bool]  # uncivil by the model alone, in the doubt band: a human decides
    categories: list[str]  # vocabulary.CATEGORIES
    spans: list[Span]
    evidence: NotRequired[list[Evidence]]


class PluginError(TypedDict):
    """A plugin that failed or ran past its budget: the comment goes to a human."""

    plugin: str
    hook: str
    error: str


class Finding(TypedDict, total=False):
    """What one ``moderation_analyze`` implementation returns for one comment (any subset)."""

    stance: Stance
    incivility: Incivility
    tags: list[str]
    models: dict[str, Any]  # task -> model version; "scope": {task: "site" | "shared"}


class Analysis(TypedDict):
    """The merged analysis of one comment."""

    stance: Stance | None
    incivility: Incivility | None
    tags: list[str]
    models: dict[str, Any]  # task -> model version; "scope": {task: "site" | "shared"}
    errors: list[PluginError]
    skipped: NotRequired[list[PluginError]]  # second-tier plugins that failed: the first tier's verdict stands


class Decision(TypedDict):
    """What ``moderation_decide`` returns: the status, whether it is urgent, and why."""

    status: str  # one of vocabulary.STATUSES
    urgent: bool
    reason: str | None
    rule: NotRequired[str]  # the site's rule that decided, "tag:<tag>" (a tag rule); absent: the thresholds


def empty() -> Analysis:
    """The analysis before any plugin ran."""
    return {"stance": None, "incivility": None, "tags": [], "models": {}, "errors": []}


_STR: dict[str, Any] = {"type": "string"}
_EVIDENCE: dict[str, Any] = {
    "type": ["array", "null"],
    "items": {"type": "object"},
    "description": "null once the comment was erased",
}

# The JSON Schema of ``Analysis`` for the OpenAPI document; its enums come from the vocabulary.
ANALYSIS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": sorted(Analysis.__required_keys__, key=list(Analysis.__annotations__).index),
    "properties": {
        "stance": {
            "type": ["object", "null"],
            "properties": {
                "label": {"enum": list(vocab.STANCES)},
                "scores": {"type": "object", "additionalProperties": {"type": "number"}},
                "evidence": _EVIDENCE,
            },
        },
        "incivility": {
            "type": ["object", "null"],
            "properties": {
                "uncivil": {"type": "boolean"},
                "score": {"type": "number"},
                "model_score": {"type": "number", "description": "the calibrated model's probability alone"},
                "doubt": {
                    "type": "boolean",
                    "description": "uncivil by the model alone, with a score in the doubt band: a human decides",
                },
                "categories": {"type": "array", "items": {"enum": list(vocab.CATEGORIES)}},
                "spans": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "start": {"type": "integer"},
                            "end": {"type": "integer"},
                            "text": {"type": ["string", "null"], "description": "null once the comment was erased"},
                            "category": {"enum": list(vocab.CATEGORIES)},
                            "confidence": {
                                "type": "number",
                                "description": "the lexicon's confidence in this span: lower for reported "
                                "speech, quotes, news of violence and threats not aimed at a person",
                            },
                            "targeted": {
                                "type": "boolean",
                                "description": "threat spans only: aimed at a person (or their home or office)",
                            },
                            "target": {
                                "type": ["string", "null"],
                                "description": "threat spans: who it is aimed at (je, hem, wethouder, …); null: nobody",
                            },
                        },
                    },
                },
            },
        },
        "tags": {"type": "array", "items": _STR},
        "models": {
            "type": "object",
            "description": "the model version per task; scope: whether the site's own model "
            "(site) or the shared one (shared) made each",
            "properties": {
                vocab.SCOPE: {"type": "object", "additionalProperties": {"enum": list(vocab.SCOPES)}},
            },
            "additionalProperties": _STR,
        },
        "errors": {
            "type": "array",
            "items": {"type": "object"},
            "description": "Plugins that failed; when not empty the comment waits for a human.",
        },
        "skipped": {
            "type": "array",
            "items": {"type": "object"},
            "description": "Second-tier plugins (e.g. the sentence encoder) that failed or ran out of time; "
            "the first tier's verdict stands.",
        },
    },
}
