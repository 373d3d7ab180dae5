"""The baseline: a bare Flask JSON endpoint with no auth, analysis or storage."""

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.post("/api/v1/comments")
def comments():
    body = request.get_json()
    return jsonify({"id": 1, "status": "approved", "external_id": body.get("external_id")}), 201


@app.get("/healthz")
def healthz():
    return {"status": "ok"}
