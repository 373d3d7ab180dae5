"""URL converters shared by every blueprint."""

from werkzeug.routing import IntegerConverter

# the id columns are 32-bit INTEGER on PostgreSQL: a larger id cannot exist
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` limited to what an id column holds: a larger number is a 404,
    not a database error."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def init_app(app):
    """Before any blueprint is registered."""
    app.url_map.converters["int"] = IdConverter
