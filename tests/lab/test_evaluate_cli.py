"""``moderation train`` and ``moderation evaluate`` from the command line, on tiny models."""

import csv
import json

import pytest
from click.testing import CliRunner
from helpers.models import corpus, train, write_jsonl

from moderation.cli.main import main


@pytest.fixture
def env(tmp_path):
    return {"MODERATION_MODELS_DIR": str(tmp_path / "models"), "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}"}


@pytest.fixture
def trained(tmp_path):
    for task in ("stance", "incivility"):
        train(tmp_path, task, tmp_path / "models")
    return tmp_path / "models"


def run(args, env):
    return CliRunner().invoke(main, args, env=env, catch_exceptions=False)


def test_evaluate_prints_the_figures(tmp_path, env, trained):
    data = corpus(tmp_path, n_per_label=3, shift=7, name="eval.jsonl")
    result = run(["evaluate", "--task", "stance", "--data", data], env)
    assert result.exit_code == 0, result.output
    assert "stance model" in result.output and "macro-F1" in result.output
    assert "confusion (rows: true, columns: predicted)" in result.output
    for label in ("pro-participation", "pro-policy", "hostile", "neutral"):
        assert label in result.output


def test_evaluate_json_is_one_object(tmp_path, env, trained):
    data = corpus(tmp_path, n_per_label=3, shift=7, name="eval.jsonl")
    result = run(["evaluate", "--task", "incivility", "--data", data, "--json"], env)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert {"task", "n", "accuracy", "macro_f1", "per_class", "confusion"} <= set(out)
    assert out["task"] == "incivility" and out["n"] == 12
    assert set(out["per_class"]) == {"civil", "uncivil"}
    assert sum(map(sum, out["confusion"]["matrix"])) == 12
    # incivility is scored as served: model and lexicon together, with the model alone beside it
    assert "f1_uncivil" in out and "f1_uncivil_model_only" in out and out["spans"]["predicted"] >= 0


def test_report_writes_a_picture_and_a_table(tmp_path, env, trained):
    data = corpus(tmp_path, n_per_label=3, shift=7, name="eval.jsonl")
    report = tmp_path / "report"
    result = run(["evaluate", "--task", "stance", "--data", data, "--report", str(report)], env)
    assert result.exit_code == 0, result.output
    svg = (report / "stance-eval-confusion.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and svg.count("<rect") == 1 + 16 and "pro-policy" in svg
    table = (report / "stance-eval.md").read_text(encoding="utf-8")
    assert "| label | precision | recall | F1 | support |" in table and "| hostile |" in table
    assert json.loads((report / "stance-eval.json").read_text())["n"] == 12


def test_a_hatecheck_file_is_reported_per_functionality(tmp_path, env, trained):
    """The HateCheck columns are recognised; these cases are made up here, not taken from the suite."""
    path = tmp_path / "functional.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["functionality", "test_case", "label_gold"])
        writer.writerow(["profanity_nh", "wat een kut gemeente", "non-hateful"])
        writer.writerow(["profanity_nh", "klote regels allemaal", "non-hateful"])
        writer.writerow(["ident_neutral_nh", "in onze gemeente gaat het zo", "non-hateful"])
        writer.writerow(["threat_dir_h", "ik weet waar je woont", "hateful"])
    report = tmp_path / "report"
    result = run(["evaluate", "--task", "incivility", "--data", str(path), "--json", "--report", str(report)], env)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["data"] == "hatecheck" and out["n"] == 4
    per = out["per_functionality"]
    assert per["profanity_nh"]["expected_uncivil"] is True and per["profanity_nh"]["n"] == 2
    assert per["profanity_nh"]["as_expected"] == 2 and per["profanity_nh"]["share"] == 1.0
    assert per["profanity_nh"]["lexicon_flags"] == 2
    assert per["ident_neutral_nh"]["expected_uncivil"] is False
    assert per["threat_dir_h"]["share"] == 1.0
    assert "| profanity_nh | uncivil | 2 | 100.0% | 100.0% |" in (report / "incivility-functional.md").read_text()
    result = run(["evaluate", "--task", "stance", "--data", str(path)], env)
    assert result.exit_code != 0 and "tests incivility" in result.output


def test_evaluate_without_a_model_says_so(tmp_path, env):
    data = corpus(tmp_path)
    result = run(["evaluate", "--task", "stance", "--data", data], env)
    assert result.exit_code != 0 and "no stance model" in result.output


def test_train_takes_several_data_files_and_reports_progress(tmp_path, env):
    first = corpus(tmp_path, name="a.jsonl")
    second = write_jsonl(
        tmp_path / "feedback.jsonl",
        [{"text": "stelletje idioten", "uncivil": True}, {"text": "goed plan van de raad", "uncivil": False}],
    )
    test = corpus(tmp_path, n_per_label=3, shift=7, name="test.jsonl")
    result = CliRunner().invoke(
        main,
        ["train", "--task", "incivility", "--data", first, "--data", second, "--test", test],
        env=env,
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "cross-validation" in result.output and "fitted" in result.output and "promoted" in result.output
    [meta_path] = [p for p in (tmp_path / "models" / "incivility").glob("*.json") if p.name != "current.json"]
    meta = json.loads(meta_path.read_text())
    assert [f["rows"] for f in meta["training_files"]] == [32, 2]
    listed = run(["models", "list"], env)
    assert meta["version"] in listed.output and "*" in listed.output


def test_evaluate_reports_calibration_and_automatic_decisions(tmp_path, env, trained):
    data = corpus(tmp_path, n_per_label=3, shift=5, name="eval2.jsonl")
    result = json.loads(run(["evaluate", "--task", "incivility", "--data", data, "--json"], env).stdout)
    assert 0 <= result["calibration"]["ece"] <= 1 and result["calibration"]["bins"]
    auto = result["automatic"]
    assert auto["policy"] == {"approve_below": 0.35, "reject_above": 0.9}
    assert auto["auto_approved"] + auto["auto_rejected"] + auto["to_a_person"] == auto["n"] == result["n"]
    assert "threat" in result["per_category"] and "precision" in result["per_category"]["threat"]
    text = run(["evaluate", "--task", "incivility", "--data", data], env).stdout
    assert "calibration error (ECE)" in text and "approved automatically" in text and "threat precision" in text
    stance = json.loads(run(["evaluate", "--task", "stance", "--data", data, "--json"], env).stdout)
    assert stance["calibration"]["ece"] is not None and "automatic" not in stance
    assert run(["db", "upgrade"], env).exit_code == 0
    assert run(["sites", "add", "strict"], env).exit_code == 0
    assert run(["sites", "set", "strict", "--reject-above", "0.6"], env).exit_code == 0
    strict = json.loads(
        run(["evaluate", "--task", "incivility", "--data", data, "--site", "strict", "--json"], env).stdout
    )
    assert strict["automatic"]["policy"]["reject_above"] == 0.6
    unknown = run(["evaluate", "--task", "incivility", "--data", data, "--site", "nope"], env)
    assert unknown.exit_code != 0 and "no site named 'nope'" in unknown.output
