"""Dutch error pages for every path outside the API (the API answers problem+json, see
``web.problems``): a page in the moderator pages' own style, or JSON for the pages' own
scripts.  Blueprints may word their 404 and 403 themselves (``auth.error_pages``); everything
else, including a path no route knows and a crash, comes here.  A 500 says nothing about the
exception (Flask has logged it)."""

from flask import current_app, jsonify, make_response, render_template
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from moderation.pages import auth

MESSAGES = {
    400: "Dit verzoek kon niet worden gelezen. Laad de pagina opnieuw en probeer het nog eens.",
    401: "Je bent niet ingelogd. Log opnieuw in.",
    403: "Je hebt geen toegang tot deze pagina.",
    404: "Deze pagina bestaat niet (meer). Controleer het adres, of ga terug naar de wachtrij.",
    405: "Deze pagina kan niet op deze manier worden gebruikt. Ga terug en gebruik de knoppen op de pagina.",
    413: "Wat je verstuurde is te groot.",
    429: "Te veel verzoeken. Wacht even en probeer het dan opnieuw.",
    500: "Er ging aan onze kant iets mis. Probeer het over een paar minuten opnieuw; "
    "blijft het misgaan, meld het dan aan een beheerder.",
}
# when even the page cannot be drawn (its template or the database fails)
FALLBACK = (
    '<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Fout {status} · Moderatie</title></head>'
    '<body><main><h1>Dat lukte niet</h1><p>{message}</p><p><a href="/queue">Terug naar de wachtrij</a></p>'
    "</main></body></html>"
)


def message_for(status: int) -> str:
    return MESSAGES.get(status, f"Dat lukte niet (fout {status}).")


def page(exc: HTTPException):
    """The answer to an HTTP error on a page path, with the error's own headers (``Allow`` of a 405)."""
    status = exc.code or 500
    message = message_for(status)
    try:
        if auth.wants_json():
            response = jsonify({"ok": False, "error": message})
        else:
            response = make_response(render_template("error.html", status=status, message=message))
    except Exception:  # noqa: BLE001 - an error page must never fail in turn
        current_app.logger.exception("the error page for %s could not be drawn", status)
        response = make_response(FALLBACK.format(status=status, message=escape(message)))
        response.mimetype = "text/html"
    response.status_code = status
    for key, value in exc.get_headers():
        if key.lower() != "content-type":
            response.headers[key] = value
    return auth.after_request(response)
