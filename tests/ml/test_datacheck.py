"""`moderation data check` and `data stats` on the project's corpus and on broken files."""

import json
import re

from click.testing import CliRunner

from moderation.cli.main import main
from moderation.ml.datacheck import check, markdown, row_problems, stats
from moderation.ml.datasets import TRAINING_DIR


def write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_the_project_corpus_passes_the_check():
    result = CliRunner().invoke(main, ["data", "check", str(TRAINING_DIR)])
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


def test_the_corpus_meets_its_quotas():
    s = stats([TRAINING_DIR])
    assert s["total"] >= 3000
    assert all(s["stance"][label] >= 600 for label in ("pro-participation", "pro-policy", "hostile", "neutral"))
    assert s["uncivil"]["uncivil"] / s["total"] >= 0.30
    assert s["categories"]["threat"] >= 60 and s["categories"]["identity_attack"] >= 60
    assert all(
        s["uncivil_by_stance"][label]["uncivil"] > 0 and s["uncivil_by_stance"][label]["civil"] > 0
        for label in ("pro-participation", "pro-policy", "hostile", "neutral")
    )
    assert s["files"]["test.jsonl"] / s["total"] >= 0.15


def test_the_datasheet_counts_match_the_files():
    sheet = (TRAINING_DIR / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- stats:begin -->\n(.*)<!-- stats:end -->", sheet, re.S).group(1)
    assert block == markdown(stats([TRAINING_DIR]))


def test_broken_rows_are_reported(tmp_path):
    text = "Wat een prutsers"
    bad = [
        {"text": "", "stance": "neutral"},
        {"text": text, "stance": "boos"},
        {"text": text, "stance": "hostile", "uncivil": True, "categories": ["insult"], "spans": [[8, 99, "insult"]]},
        {"text": text, "stance": "hostile", "uncivil": True, "categories": ["insult"], "spans": [[3, 4, "insult"]]},
        {"text": text, "stance": "hostile", "uncivil": True, "categories": []},
        {"text": text + " echt", "stance": "hostile", "uncivil": False, "categories": ["insult"]},
        {"text": text + " hoor", "tags": ["Participatie"]},
        {"text": text + " zeg", "stance": "hostile", "stance_alt": "hostile"},
    ]
    messages = [row_problems(r) for r in bad]
    assert "text is missing or empty" in messages[0]
    assert any("not one of" in m for m in messages[1])
    assert any("outside the text" in m for m in messages[2])
    assert any("only white space" in m for m in messages[3])
    assert "uncivil but no categories" in messages[4]
    assert "civil but has categories or spans" in messages[5]
    assert any("lower-case" in m for m in messages[6])
    assert any("another stance" in m for m in messages[7])


def test_duplicates_and_leakage_are_found(tmp_path):
    shared = "de gemeente moet echt veel beter luisteren naar haar eigen inwoners en dan"
    write(
        tmp_path / "comments.jsonl",
        [{"text": shared + " snel.", "stance": "neutral"}, {"text": "Volstrekt iets anders.", "stance": "neutral"}],
    )
    write(
        tmp_path / "test.jsonl",
        [
            {"text": "Zeg, " + shared + " ook nog.", "stance": "neutral"},
            {"text": "volstrekt iets ANDERS", "stance": "neutral"},
        ],
    )
    problems = check([tmp_path])
    assert sum("LEAKAGE" in p for p in problems) == 2
    assert any("exact duplicate" in p for p in problems) and any("near duplicate" in p for p in problems)
    result = CliRunner().invoke(main, ["data", "check", str(tmp_path)])
    assert result.exit_code != 0 and "problem(s) found" in result.output


def test_unreadable_file_is_a_problem(tmp_path):
    (tmp_path / "kapot.jsonl").write_text('{"text": "a"}\n{niet json\n', encoding="utf-8")
    assert any("not JSON" in p for p in check([tmp_path]))


def test_csv_is_read_with_the_same_columns(tmp_path):
    (tmp_path / "rows.csv").write_text(
        'text,stance,uncivil,categories,spans\n"Wat een prutsers",hostile,true,"[""insult""]","[[8, 16]]"\n',
        encoding="utf-8",
    )
    assert check([tmp_path / "rows.csv"]) == []
