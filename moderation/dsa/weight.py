"""How heavily the notices on one comment weigh in the Gemeld queue.

The formula (README "DSA"), in the spirit of Discourse's flag score:

* a notifier's **reliability** is ``(upheld + 1) / (upheld + dismissed + 2)``
  over their earlier decided notices on this site (a newcomer: 0.5);
* each **identified notifier** (by e-mail) counts once per comment, however
  many notices they send, with ``0.5 + reliability`` (0.5 to 1.5);
* **anonymous** notices (no e-mail) together count ``0.5 * (1 + ln(n))`` for n
  of them: one is worth half a newcomer, and a crowd grows slowly, so mass
  reporting does not jump the queue;
* a comment with a notice of **illegal** content comes before every comment
  without one; within each group the higher weight first, then the oldest notice.
"""

import math

from moderation import vocabulary as vocab


def reliability(upheld: int, dismissed: int) -> float:
    return (upheld + 1) / (upheld + dismissed + 2)


def comment_weight(notices: list[dict], track: dict[str, tuple[int, int]]) -> float:
    """``notices``: open notices on one comment (``notifier_key`` or None); ``track``:
    notifier_key -> (upheld, dismissed) before these notices."""
    weight = 0.0
    for key in {n["notifier_key"] for n in notices if n.get("notifier_key")}:
        weight += 0.5 + reliability(*track.get(key, (0, 0)))
    anonymous = sum(1 for n in notices if not n.get("notifier_key"))
    if anonymous:
        weight += 0.5 * (1 + math.log(anonymous))
    return round(weight, 4)


def order_key(notices: list[dict], weight: float):
    """Sort key (ascending): illegal first, heavier first, older first."""
    illegal = any(n.get("ground") == vocab.GROUND_ILLEGAL for n in notices)
    first = min(n["received_at"] for n in notices)
    return (0 if illegal else 1, -weight, first)
