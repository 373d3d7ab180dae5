"""The service's vocabulary, spelled once: labels, categories, statuses, reasons, event types,
outbox states, task names, roles and the default policy.

Every other module (and the built-in plugins) imports these names instead of writing the
strings again, and the OpenAPI document builds its enums from them, so they cannot drift.
The values are contracts (DESIGN.md, ANNOTATION.md): extend them, never rename them.
Imports nothing.
"""

from types import MappingProxyType

# Stance labels (ANNOTATION.md)
STANCES = (PRO_PARTICIPATION, PRO_POLICY, HOSTILE, NEUTRAL) = ("pro-participation", "pro-policy", "hostile", "neutral")

# Incivility categories (ANNOTATION.md) and the two incivility labels
CATEGORIES = (INSULT, PROFANITY, THREAT, IDENTITY_ATTACK) = ("insult", "profanity", "threat", "identity_attack")
INCIVILITY_LABELS = (CIVIL, UNCIVIL) = ("civil", "uncivil")

# A comment's status, and the queue's views of the comments that wait
STATUSES = (APPROVED, REJECTED, PENDING) = ("approved", "rejected", "pending")
ESCALATED = "escalated"
# the audit sample ("steekproef"): automatic decisions that no moderator has labelled yet
SAMPLE = "sample"
VIEWS = (PENDING, ESCALATED, APPROVED, REJECTED, SAMPLE)

# Reasons a moderator can give for a rejection (the categories first), and the policy's reasons
PERSONAL_DATA, SPAM, OFF_TOPIC, OTHER = "personal_data", "spam", "off_topic", "other"
REJECT_REASONS = (*CATEGORIES, PERSONAL_DATA, SPAM, OFF_TOPIC, OTHER)
REASON_IN_DOUBT = "in doubt"
REASON_ANALYSIS_INCOMPLETE = "analysis incomplete"
REASON_NO_POLICY = "no policy decided"
REASON_PLUGIN_ERROR = "plugin error"
# Reasons of the author rules (moderation/storage/author_rules.py), applied after the policy's decision:
# an automatic approval becomes "pending" for a human (an automatic rejection stands)
REASON_AUTHOR_SUSPENDED = "author_suspended"  # suspended, and the site holds (not refuses) their comments
REASON_AUTHOR_PREMODERATED = "author_premoderated"  # a moderator put the author on pre-moderation
REASON_NEW_AUTHOR = "new_author"  # one of the author's first N comments on the site
REASON_REPEAT = "repeat"  # the same or nearly the same text posted N times within the repeat window
HOLD_REASONS = (REASON_AUTHOR_SUSPENDED, REASON_AUTHOR_PREMODERATED, REASON_NEW_AUTHOR, REASON_REPEAT)
# a moderator's "block and hide all": the reason of each rejection it makes, and of each restoration
REASON_AUTHOR_BLOCKED = "author_blocked"
REASON_AUTHOR_UNBLOCKED = "author_unblocked"

# Tag rules (policy["tag_rules"], plugins/policy.py): a tag an analysis carries turns into an action.
# "hold": the comment waits for a human; "reject" or "reject:<one of REJECT_REASONS>": refused at once.
# The decision then names the rule as TAG_RULE_PREFIX + tag ("tag:contains-pii"): the reason of a
# hold, the "rule" of a rejection (whose reason stays a REJECT_REASONS word, for the statement of reasons).
TAG_RULE_ACTIONS = (RULE_HOLD, RULE_REJECT) = ("hold", "reject")
TAG_RULE_PREFIX = "tag:"
# the reject reason of a bare "reject" rule, per tag ("other" for any tag not listed)
TAG_REJECT_REASONS = MappingProxyType({"contains-pii": PERSONAL_DATA, "spam": SPAM, "off-topic": OFF_TOPIC})
# the reason of a decision that undoes a moderator's own last decision (the queue's "u")
REASON_UNDONE = "undone"

# Who made a decision: the policy (stored as the actor "policy") or a moderator
BY_POLICY = "policy"
BY_MODERATOR = "moderator"
DECIDERS = (BY_POLICY, BY_MODERATOR)

# Webhook event types, and the status each stands for
EVENT_TYPES = (
    EVENT_APPROVED,
    EVENT_REJECTED,
    EVENT_ESCALATED,
    EVENT_NOTICE_DECIDED,
    EVENT_APPEAL_DECIDED,
    EVENT_TEST,
    EVENT_AUTHOR_SUSPENDED,
    EVENT_AUTHOR_UNSUSPENDED,
    EVENT_REVERTED,
) = (
    "comment.approved",
    "comment.rejected",
    "comment.escalated",
    # the DSA flows (moderation/dsa/): a notice (Art. 16) or an appeal (Art. 20) was decided
    "notice.decided",
    "appeal.decided",
    # 'moderation events test SITE' and the admin page's button: nothing was decided
    "test",
    # a moderator suspended an author (with the end date), or lifted a suspension early
    "author.suspended",
    "author.unsuspended",
    # a moderator undid their decision: the comment is back at its earlier status
    "comment.decision_reverted",
)
EVENT_FOR_STATUS = MappingProxyType({APPROVED: EVENT_APPROVED, REJECTED: EVENT_REJECTED})

# Outbox (webhook event) states
OUTBOX_PENDING = "pending"
DELIVERED = "delivered"
PARKED = "parked"
OUTBOX_STATES = (OUTBOX_PENDING, DELIVERED, PARKED)

# Model tasks
STANCE = "stance"
INCIVILITY = "incivility"
TASKS = (STANCE, INCIVILITY)
# which model made a task's output: the site's own (a site model) or the shared one; an
# analysis's "models" carries them under SCOPE, {task: scope}
SCOPE = "scope"
SCOPES = (SCOPE_SITE, SCOPE_SHARED) = ("site", "shared")

# Moderator roles
MODERATOR = "moderator"
ADMIN = "admin"
ROLES = (MODERATOR, ADMIN)
# what happens to a moderator account (the audit log's account rows); who did it from the command line
ACCOUNT_ACTIONS = (
    ACCOUNT_CREATE,
    ACCOUNT_INVITE,
    ACCOUNT_ACCEPT,
    ACCOUNT_ACCESS,
    ACCOUNT_DISABLE,
    ACCOUNT_ENABLE,
    ACCOUNT_RESET,
    ACCOUNT_PASSWORD,
    ACCOUNT_REMOVE,
) = ("create", "invite", "accept", "access", "disable", "enable", "reset", "password", "remove")
# a one-time link: an invitation (the first password) or a password reset
LINK_PURPOSES = (LINK_INVITE, LINK_RESET) = ("invite", "reset")
BY_COMMAND_LINE = "command line"

# Policy modes: "pre": nothing goes online before a decision; "post": in-between comments go
# online and a human looks afterwards
MODE_PRE = "pre"
MODE_POST = "post"
MODES = (MODE_PRE, MODE_POST)

# What happens to a suspended author's new comments (a site's ``suspended_comments`` setting):
# refused by the API (403 author-suspended), or stored and held for a human
SUSPENDED_COMMENTS = (SUSPENDED_REFUSE, SUSPENDED_HOLD) = ("refuse", "hold")
# A moderator's actions on an author (the author page; the audit log)
AUTHOR_ACTIONS = (
    AUTHOR_PREMODERATE,
    AUTHOR_END_PREMODERATION,
    AUTHOR_SUSPEND,
    AUTHOR_UNSUSPEND,
    AUTHOR_BLOCK,
    AUTHOR_UNBLOCK,
) = ("premoderate", "end_premoderation", "suspend", "unsuspend", "block", "unblock")

DEFAULT_POLICY = MappingProxyType(
    {
        # incivility score below which a civil comment is published at once
        "approve_below": 0.35,
        # incivility score at or above which a comment is refused at once
        "reject_above": 0.9,
        "mode": MODE_PRE,
    }
)
# What a site created from now on starts with, beside DEFAULT_POLICY; sites created before keep
# their behaviour (no tag rules) until an admin sets some.
NEW_SITE_POLICY = MappingProxyType({"tag_rules": {"contains-pii": RULE_HOLD}})

# The site's weekly schedule (policy["schedule"], moderation/schedule.py): outside its hours the
# comments are closed, or the site switches to pre-moderation
SCHEDULE_OUTSIDE = (OUTSIDE_CLOSED, OUTSIDE_PRE) = ("closed", "pre")
DEFAULT_TIMEZONE = "Europe/Amsterdam"
# the dashboard's target for the time from arrival to a moderator's decision, in minutes
DEFAULT_TARGET_MINUTES = 15
# A site's author rules (moderation/storage/author_rules.py), kept in its policy beside the thresholds
AUTHOR_RULE_DEFAULTS = MappingProxyType(
    {
        "suspended_comments": SUSPENDED_REFUSE,
        "first_comments_held": 0,  # an author's first N comments on the site wait for a human (0: off)
        "hold_repeats": 0,  # a text posted N or more times within the repeat window waits for a human (0: off)
    }
)

# The EU Digital Services Act (moderation/dsa/, README section DSA)
# a site's role, which switches its duties on (moderation/dsa/roles.py)
DSA_ROLES = (DSA_HOSTING, DSA_PLATFORM, DSA_VOLUNTARY_PLATFORM) = ("hosting", "platform", "hosting-voluntary-platform")
# a notice (POST /api/v1/notices): illegal content or against the site's terms; its state
NOTICE_GROUNDS = (GROUND_ILLEGAL, GROUND_TERMS) = ("illegal", "terms")
NOTICE_STATES = (NOTICE_OPEN, NOTICE_UPHELD, NOTICE_DISMISSED) = ("open", "upheld", "dismissed")
NOTICE_OUTCOMES = (NOTICE_UPHELD, NOTICE_DISMISSED)
# an appeal (POST /api/v1/appeals): who appeals, and its state
APPELLANTS = (APPELLANT_AUTHOR, APPELLANT_NOTIFIER) = ("author", "notifier")
APPEAL_STATES = (APPEAL_OPEN, APPEAL_UPHELD, APPEAL_REVERSED) = ("open", "upheld", "reversed")
# a statement of reasons on its way to the Transparency Database (Art. 24(5))
STATEMENT_STATES = (
    STATEMENT_PENDING,
    STATEMENT_SUBMITTED,
    STATEMENT_REJECTED,
    STATEMENT_PARKED,
    STATEMENT_WITHDRAWN,
) = (
    "pending",
    "submitted",
    "rejected",
    "parked",
    # the decision was undone before the statement was sent: it is never submitted
    "withdrawn",
)
