"""Approving a flagged comment answers "was the flag wrong?" (the queue's ``vlag`` field).

``fout`` corrects the incivility label to civil, ``terecht`` confirms it (uncivil, yet
allowed to stay under this site's rules).  A decision alone is never read as a label.
"""

from moderation.storage import review_queue as review

FLAG_ANSWERS = ("fout", "terecht")


def label_flag(db, site_ids, actor, comment_id, answer) -> None:
    item = review.get(db, site_ids, comment_id)
    if not item["uncivil"]:
        return
    if answer == "fout":
        review.correct(db, site_ids, comment_id, actor, uncivil=False)
    else:
        review.correct(db, site_ids, comment_id, actor, uncivil=True, categories=item["categories"], confirm=True)
