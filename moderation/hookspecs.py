"""The plugin contract: every hook the moderation service calls.

A plugin is a module or object with functions marked ``@hookimpl`` whose names
match a spec below.  Hooks are always called with keyword arguments, and an
implementation may accept fewer arguments than its spec: new arguments can be
added later without breaking anyone.

``comment`` is a plain dict: ``{"text", "external_id", "article", "author",
"parent_external_id", "created_at", "site"}``; only ``text`` is always there.
"""

import pluggy

from moderation.analysis import Analysis, Decision, Finding

hookspec = pluggy.HookspecMarker("moderation")
hookimpl = pluggy.HookimplMarker("moderation")


@hookspec
def moderation_analyze(comments: list[dict], models, config) -> list[Finding | None]:
    """Look at a batch of comments and return one finding per comment.

    ``comments`` is a list (one comment for a single POST, up to the batch
    limit otherwise), so a model can score them all in one call.  Return a list
    of the same length, each item None (abstain) or a ``moderation.analysis.Finding``: a dict with any of these keys
    (the shapes of DESIGN.md's analysis object, typed in ``moderation.analysis``): ``"stance"`` ``{"label", "scores", "evidence"?}``,
    ``"incivility"`` ``{"uncivil", "score", "categories", "spans"}``,
    ``"tags"`` (a list of lower-case strings), ``"models"`` (``{task:
    version}``).  ``models`` is the model store (``models.get("stance")``
    returns the active model or None); ``config`` is the app's configuration.

    All implementations run, each in isolation: one that raises or exceeds the
    plugin budget adds an entry to ``analysis["errors"]`` and the comment goes
    to a human.  When a plugin raises on a batch, it is called again on each
    comment alone, so only the comments it fails on carry the error.  Results are merged in pluggy's call order (``tryfirst``, then
    the most recently registered, ``trylast`` last): the first plugin to give
    ``stance`` or ``incivility`` wins, so an installed plugin overrides a
    built-in; ``tags`` and ``models`` are united.
    """


@hookspec(firstresult=True)
def moderation_decide(comment: dict, analysis: Analysis, policy: dict) -> Decision | None:
    """Turn an analysis into a decision.

    Return a ``moderation.analysis.Decision``, ``{"status": one of
    ``moderation.vocabulary.STATUSES``, "urgent": bool, "reason": str | None}``, or None to
    leave it to the next plugin.

    Stops at the first non-None result (``firstresult``); the built-in threshold
    policy (``plugins.policy``) is ``trylast`` so any plugin can override it.
    ``policy`` is the site's policy dict (thresholds and mode).
    """


@hookspec
def moderation_refine(comments, analyses, models, config):
    """A second opinion on the merged analyses (the cascade's second tier).

    Called after every ``moderation_analyze`` implementation, with the merged
    ``analyses`` (one per comment, read-only), so a slow model can look only at
    the comments the fast ones are in doubt about.  Return a list of the same
    length, each item None (keep the analysis) or a dict whose ``"stance"`` or
    ``"incivility"`` replaces the analysis's, and whose ``"models"`` are added.
    All implementations run, each in isolation, within the plugin budget; one
    that raises or runs past it leaves the first tier's verdict standing and is
    noted in ``analysis["skipped"]`` (not ``errors``: a second opinion that did
    not come must not hold up, or un-escalate, a comment).
    """
