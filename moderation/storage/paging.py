"""Keyset paging cursors: the sort-key values of a page's last row, as an opaque URL-safe token."""

import base64
import binascii
import json


def encode_cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


def decode_cursor(token, types):
    """The key values in a cursor, or None for a missing or malformed one."""
    if not token:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, binascii.Error):
        return None
    if not isinstance(values, list) or len(values) != len(types):
        return None
    try:
        return [bool(v) if t is bool else t(v) for t, v in zip(types, values)]
    except (TypeError, ValueError):
        return None
