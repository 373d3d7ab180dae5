"""A stand-in for the Commission's DSA Transparency Database API: a real HTTP server on
127.0.0.1 that enforces the database's validation rules as its API documents them
(required fields, enumerations, lengths, date ranges, puid characters, conditional
fields, at most 100 statements a batch, a puid once per platform) and answers 422 with
``errors`` on a bad statement.  Written from the API's rules, not from the product's code."""

import json
import re
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VISIBILITIES = {
    "DECISION_VISIBILITY_CONTENT_REMOVED",
    "DECISION_VISIBILITY_CONTENT_DISABLED",
    "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_LABELLED",
    "DECISION_VISIBILITY_OTHER",
}
GROUNDS = {"DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"}
CATEGORIES = {
    "STATEMENT_CATEGORY_" + c
    for c in (
        "ANIMAL_WELFARE DATA_PROTECTION_AND_PRIVACY_VIOLATIONS ILLEGAL_OR_HARMFUL_SPEECH "
        "INTELLECTUAL_PROPERTY_INFRINGEMENTS NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS "
        "NON_CONSENSUAL_BEHAVIOUR PORNOGRAPHY_OR_SEXUALIZED_CONTENT PROTECTION_OF_MINORS RISK_FOR_PUBLIC_SECURITY "
        "SCAMS_AND_FRAUD SELF_HARM SCOPE_OF_PLATFORM_SERVICE UNSAFE_AND_ILLEGAL_PRODUCTS VIOLENCE"
    ).split()
}
KEYWORDS = {"KEYWORD_HATE_SPEECH", "KEYWORD_DEFAMATION", "KEYWORD_DISCRIMINATION", "KEYWORD_OTHER"}
CONTENT_TYPES = {"CONTENT_TYPE_" + c for c in "APP AUDIO IMAGE PRODUCT SYNTHETIC_MEDIA TEXT VIDEO OTHER".split()}
SOURCES = {"SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY"}
AUTOMATED = {"AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY", "AUTOMATED_DECISION_NOT_AUTOMATED"}
COUNTRIES = set("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT RO SE SI SK".split())
LANGUAGES = set("BG CS DA DE EL EN ES ET FI FR GA HR HU IT LT LV MT NL PL PT RO SK SL SV IS NO".split())
PUID = re.compile(r"^[a-zA-Z0-9\-_]+$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(errors, field, value, low, high):
    if value is None:
        errors.setdefault(field, []).append(f"The {field} field is required.")
        return
    if not isinstance(value, str) or not DAY.match(value):
        errors.setdefault(field, []).append(f"The {field} does not match the format YYYY-MM-DD.")
        return
    try:
        day = date.fromisoformat(value)
    except ValueError:
        errors.setdefault(field, []).append(f"The {field} is not a valid date.")
        return
    if not low <= day <= high:
        errors.setdefault(field, []).append(f"The {field} must be between {low} and {high}.")


def validate(s) -> dict:
    """The database's errors for one statement: {field: [messages]} (empty: valid)."""
    errors: dict = {}
    if not isinstance(s, dict):
        return {"statement": ["must be an object"]}

    def need(field):
        if s.get(field) in (None, "", []):
            errors.setdefault(field, []).append(f"The {field} field is required.")
            return False
        return True

    def one_of(field, allowed):
        if field in s and s[field] is not None and s[field] not in allowed:
            errors.setdefault(field, []).append(f"The selected {field} is invalid.")

    def each_of(field, allowed):
        value = s.get(field)
        if value is None:
            return
        if not isinstance(value, list) or any(v not in allowed for v in value):
            errors.setdefault(field, []).append(f"The selected {field} is invalid.")

    def max_len(field, n):
        if isinstance(s.get(field), str) and len(s[field]) > n:
            errors.setdefault(field, []).append(f"The {field} must not be greater than {n} characters.")

    if not any(
        s.get(f) for f in ("decision_visibility", "decision_monetary", "decision_provision", "decision_account")
    ):
        errors.setdefault("decision_visibility", []).append("The decision visibility field is required.")
    each_of("decision_visibility", VISIBILITIES)
    if "DECISION_VISIBILITY_OTHER" in (s.get("decision_visibility") or []):
        need("decision_visibility_other")
    max_len("decision_visibility_other", 500)
    if need("decision_ground"):
        one_of("decision_ground", GROUNDS)
    if s.get("decision_ground") == "DECISION_GROUND_ILLEGAL_CONTENT":
        need("illegal_content_legal_ground")
        need("illegal_content_explanation")
    if s.get("decision_ground") == "DECISION_GROUND_INCOMPATIBLE_CONTENT":
        need("incompatible_content_ground")
        need("incompatible_content_explanation")
    for field, n in (
        ("illegal_content_legal_ground", 500),
        ("illegal_content_explanation", 2000),
        ("incompatible_content_ground", 500),
        ("incompatible_content_explanation", 2000),
        ("decision_facts", 5000),
        ("puid", 500),
        ("source_identity", 500),
    ):
        max_len(field, n)
    if need("category"):
        one_of("category", CATEGORIES)
    each_of("category_addition", CATEGORIES)
    each_of("category_specification", KEYWORDS)
    if need("content_type"):
        each_of("content_type", CONTENT_TYPES)
    each_of("territorial_scope", COUNTRIES)
    one_of("content_language", LANGUAGES)
    _date(errors, "content_date", s.get("content_date"), date(2000, 1, 1), date(2038, 1, 1))
    _date(errors, "application_date", s.get("application_date"), date(2020, 1, 1), date(2038, 1, 1))
    if s.get("end_date_visibility_restriction") is not None:
        _date(
            errors,
            "end_date_visibility_restriction",
            s["end_date_visibility_restriction"],
            date(2020, 1, 1),
            date(2038, 1, 1),
        )
    need("decision_facts")
    if need("source_type"):
        one_of("source_type", SOURCES)
    if need("automated_detection"):
        one_of("automated_detection", {"Yes", "No"})
    if need("automated_decision"):
        one_of("automated_decision", AUTOMATED)
    if need("puid") and (not isinstance(s["puid"], str) or not PUID.match(s["puid"])):
        errors.setdefault("puid", []).append("The puid field format is invalid.")
    return errors


class StandIn:
    """``with StandIn(token) as tdb:`` -> ``tdb.url``, ``tdb.statements`` (puid -> body),
    ``tdb.requests`` (method, path), ``tdb.fail_next`` (answer that many requests 503)."""

    def __init__(self, token="tdb-token"):
        self.token = token
        self.statements: dict[str, dict] = {}
        self.requests: list[tuple[str, str]] = []
        self.fail_next = 0
        self.lock = threading.Lock()

    def __enter__(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status, body=None, headers=()):
                raw = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                for k, v in headers:
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(raw)

            def _gate(self):
                with standin.lock:
                    standin.requests.append((self.command, self.path))
                    if standin.fail_next:
                        standin.fail_next -= 1
                        self._answer(503, {"message": "Service Unavailable"})
                        return False
                if self.headers.get("Authorization") != f"Bearer {standin.token}":
                    self._answer(401, {"message": "Unauthenticated."})
                    return False
                return True

            def do_GET(self):
                if not self._gate():
                    return
                prefix = "/api/v1/statement/existing-puid/"
                if not self.path.startswith(prefix):
                    return self._answer(404, {"message": "not found"})
                puid = self.path[len(prefix) :]
                if puid in standin.statements:
                    return self._answer(302, standin.statements[puid], [("Location", "/api/v1/statement/1")])
                return self._answer(404, {"message": f"statement of reason not found: {puid}"})

            def do_POST(self):
                if not self._gate():
                    return
                try:
                    body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                except ValueError:
                    return self._answer(400, {"message": "invalid JSON"})
                if self.path == "/api/v1/statement":
                    batch, single = [body], True
                elif self.path == "/api/v1/statements":
                    batch, single = (body or {}).get("statements"), False
                    if not isinstance(batch, list) or not 1 <= len(batch) <= 100:
                        return self._answer(422, {"message": "1 to 100 statements", "errors": {"statements": ["size"]}})
                else:
                    return self._answer(404, {"message": "not found"})
                errors = {}
                seen = set()
                for i, statement in enumerate(batch):
                    found = validate(statement)
                    puid = statement.get("puid") if isinstance(statement, dict) else None
                    if puid in standin.statements or puid in seen:
                        found.setdefault("puid", []).append("The identifier given is not unique within this platform.")
                    seen.add(puid)
                    for field, messages in found.items():
                        errors[field if single else f"statements.{i}.{field}"] = messages
                if errors:
                    return self._answer(422, {"message": "The given data was invalid.", "errors": errors})
                with standin.lock:
                    for statement in batch:
                        standin.statements[statement["puid"]] = statement
                return self._answer(201, batch[0] if single else {"statements": batch})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
