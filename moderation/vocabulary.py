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
    EVENT_REVERTED,
) = (
    "comment.approved",
    "comment.rejected",
    "comment.escalated",
    # the DSA flows (moderation/dsa/): a notice (Art. 16) or an appeal (Art. 20) was decided
    "notice.decided",
    "appeal.decided",
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

# Policy modes: "pre": nothing goes online before a decision; "post": in-between comments go
# online and a human looks afterwards
MODE_PRE = "pre"
MODE_POST = "post"
MODES = (MODE_PRE, MODE_POST)

DEFAULT_POLICY = MappingProxyType(
    {
        # incivility score below which a civil comment is published at once
        "approve_below": 0.35,
        # incivility score at or above which a comment is refused at once
        "reject_above": 0.9,
        "mode": MODE_PRE,
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
