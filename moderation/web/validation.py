"""Validation of what site backends send: every rule, with a message a developer can act on."""

import json
import re
from datetime import datetime

from moderation.web.problems import Problem

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def json_body(request) -> object:
    """The parsed JSON body, or a Problem saying exactly what is wrong with it."""
    if request.mimetype != "application/json":
        raise Problem(
            415,
            f"send the body as JSON with 'Content-Type: application/json' "
            f"(got {request.content_type or 'no content type'!r})",
            "unsupported-media-type",
        )
    raw = request.get_data(cache=True)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Problem(
            400, f"the body is not valid UTF-8 (byte {exc.start}: {raw[exc.start : exc.start + 1]!r})", "invalid-utf-8"
        ) from None
    if not text.strip():
        raise Problem(400, "the body is empty; send a JSON object", "invalid-json")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise Problem(
            400, f"the body is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}", "invalid-json"
        ) from None
    except RecursionError:
        raise Problem(400, "the body is nested too deeply", "invalid-json") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise Problem(400, f"the body is not usable JSON: {exc}", "invalid-json") from None


def _string(errors, field, value, required=False, max_length=200, allow_newlines=False, allow_int=False):
    if value is None:
        if required:
            errors.append({"field": field, "message": "is required"})
        return None
    kinds = (str, int) if allow_int else str
    if allow_int and isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        value = int(value)  # JSON Schema's integer: 2.0 is 2 (the OpenAPI document allows it)
    if isinstance(value, bool) or not isinstance(value, kinds):
        errors.append({"field": field, "message": f"must be a string, not {type(value).__name__}"})
        return None
    value = str(value)
    if required and not value.strip():
        errors.append({"field": field, "message": "must not be empty"})
    elif len(value) > max_length:
        errors.append({"field": field, "message": f"is {len(value)} characters; the limit is {max_length}"})
    elif _bad_chars(value, allow_newlines):
        errors.append({"field": field, "message": _bad_chars(value, allow_newlines)})
    return value


def _bad_chars(value, allow_newlines):
    m = CONTROL.search(value) or (None if allow_newlines else re.search(r"[\n\r\t]", value))
    if m:
        return f"contains the control character U+{ord(m.group()):04X} at position {m.start()}"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"contains an unpaired surrogate (\\u{ord(value[exc.start]):04x}) at position {exc.start}"
    return None


def bad_characters(value: str) -> str | None:
    """What is wrong with a one-line string from a URL or header (control characters,
    unpaired surrogates), or None."""
    return _bad_chars(value, allow_newlines=False)


def _object(errors, field, value):
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors.append({"field": field, "message": f"must be an object, not {type(value).__name__}"})
        return {}
    return value


def comment(data, max_text_length: int, prefix: str = "") -> tuple[dict, list[dict]]:
    """A clean comment dict and the list of problems with ``data`` (empty when valid)."""
    errors: list[dict] = []
    if not isinstance(data, dict):
        return {}, [
            {"field": prefix.rstrip(".") or "body", "message": f"must be a JSON object, not {type(data).__name__}"}
        ]
    out = {"external_id": _string(errors, prefix + "external_id", data.get("external_id"), required=True)}
    text = data.get("text")
    if text is None:
        errors.append({"field": prefix + "text", "message": "is required"})
    elif not isinstance(text, str):
        errors.append({"field": prefix + "text", "message": f"must be a string, not {type(text).__name__}"})
    elif not text.strip():
        errors.append({"field": prefix + "text", "message": "must not be empty or only white space"})
    elif len(text) > max_text_length:
        errors.append(
            {"field": prefix + "text", "message": f"is {len(text)} characters; the limit is {max_text_length}"}
        )
    elif _bad_chars(text, allow_newlines=True):
        errors.append({"field": prefix + "text", "message": _bad_chars(text, allow_newlines=True)})
    else:
        out["text"] = text  # stored exactly as sent
    article = _object(errors, prefix + "article", data.get("article"))
    if article:
        out["article"] = {
            "id": _string(errors, prefix + "article.id", article.get("id"), required=True, allow_int=True),
            "title": _string(errors, prefix + "article.title", article.get("title"), max_length=1000),
            "url": _url(errors, prefix + "article.url", article.get("url")),
        }
    author = _object(errors, prefix + "author", data.get("author"))
    if author:
        out["author"] = {
            "id": _string(errors, prefix + "author.id", author.get("id"), allow_int=True),
            "name": _string(errors, prefix + "author.name", author.get("name"), max_length=500),
        }
    out["parent_external_id"] = _string(errors, prefix + "parent_external_id", data.get("parent_external_id"))
    out["created_at"] = _timestamp(errors, prefix + "created_at", data.get("created_at"))
    return out, errors


def _url(errors, field, value):
    value = _string(errors, field, value, max_length=2000)
    if value and not re.match(r"https?://[^\s/]+", value):
        errors.append({"field": field, "message": "must be an http(s) URL"})
    return value


def _timestamp(errors, field, value):
    if value is None:
        return None
    if not isinstance(value, str):
        errors.append({"field": field, "message": "must be an ISO 8601 string such as 2026-11-22T10:00:00Z"})
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        errors.append(
            {"field": field, "message": f"{value[:40]!r} is not an ISO 8601 timestamp such as 2026-11-22T10:00:00Z"}
        )
        return None


def classify_text(data, max_text_length: int) -> str:
    if not isinstance(data, dict):
        raise Problem(
            422,
            "the body must be a JSON object with a 'text' field",
            "validation-failed",
            errors=[{"field": "body", "message": "must be an object"}],
        )
    errors = []
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        errors.append({"field": "text", "message": "is required and must be a non-empty string"})
    elif len(text) > max_text_length:
        errors.append({"field": "text", "message": f"is {len(text)} characters; the limit is {max_text_length}"})
    elif _bad_chars(text, allow_newlines=True):
        errors.append({"field": "text", "message": _bad_chars(text, allow_newlines=True)})
    if errors:
        raise Problem(422, summarise(errors), "validation-failed", errors=errors)
    return str(text)


def summarise(errors) -> str:
    first = errors[0]
    where = f"comments[{first['index']}]." if "index" in first else ""
    more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
    return f"{where}{first['field']} {first['message']}{more}"
