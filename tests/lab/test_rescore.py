"""After a promotion the pending queue is re-scored: new analyses and order, decisions untouched."""

import json

from click.testing import CliRunner
from helpers.review import db_of, seed
from sqlalchemy import select

from moderation.cli.main import main
from moderation.lab.rescore import rescore
from moderation.storage.tables import Analysis, Comment


def test_pending_comments_are_rescored_and_nothing_else(app, site, other_site):
    served = app.extensions["moderation"].models.get("stance").version
    waiting = seed(app, site, "w", text="Die ambtenaren zijn zakkenvullers", score=0.1)
    elsewhere = seed(app, other_site, "e", text="Vraagje: waar staat het rapport?", score=0.9)
    decided = seed(app, site, "d", text="Al goedgekeurd", status="approved", score=0.1)
    only_alpha = rescore(app.extensions["moderation"], site="alpha")
    assert only_alpha == {"pending": 1, "rescored": 1, "limit": 5000}
    result = rescore(app.extensions["moderation"], limit=1)
    assert result["rescored"] == 1  # bounded: the newest pending comment only
    with db_of(app).session() as s:
        newest = {}
        for a in s.scalars(select(Analysis).order_by(Analysis.id)):
            newest[a.comment_id] = a
        assert newest[waiting].stance_model == served and newest[elsewhere].stance_model == served
        assert newest[decided].stance_model == "test"
        comment = s.get(Comment, waiting)
        assert comment.status == "pending" and comment.incivility_score > 0.5 and comment.stance == "hostile"
        assert 0 <= comment.doubt <= 1


def test_queue_rescore_command(app, site, database_url):
    seed(app, site, "w", text="Die ambtenaren zijn zakkenvullers", score=0.1)
    result = CliRunner().invoke(main, ["queue", "rescore", "--json"], env={"DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rescored"] == 1
    unknown = CliRunner().invoke(main, ["queue", "rescore", "--site", "nope"], env={"DATABASE_URL": database_url})
    assert unknown.exit_code != 0 and "no site named" in unknown.output
