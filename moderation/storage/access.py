"""Which sites a moderator may see: the one authorisation rule every page query applies.

``site_ids`` is a moderator's list of site ids, or None for a moderator of every site.
A comment, decision, article or webhook event of another site does not exist for them.
"""

from sqlalchemy import true


def may_see(site_ids, site_column):
    """A SQL condition: the row's site (``site_column``) is one the moderator may see."""
    return true() if site_ids is None else site_column.in_(list(site_ids))


def allows(site_ids, site_id) -> bool:
    """The same rule for one site id already in hand."""
    return site_ids is None or site_id in site_ids
