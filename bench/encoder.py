"""The cascade: stance's second tier (plugins/encoder.py) against the fast models alone, in one run.

    .venv/bin/python bench/encoder.py [--no-write] [--limit N]

Both pipelines serve the models in models/ with every built-in plugin, in
process (no HTTP, no database); they differ only in MODERATION_ENCODER (on/off).

- share: the comments of the test split whose stance the fast model is unsure
  of (highest probability below the model's ``doubt_below``), which the
  encoder is consulted for;
- one comment: ``Pipeline.analyze([comment])`` for each test-split comment
  after a warm-up, end to end; p50, p95, p99 (ms);
- batches: ``Pipeline.analyze`` on batches of 100 comments of the training
  and test files; comments per second, the median of three passes;
- the encoder alone: one short and one 40-word comment, the median of 20 calls.

Writes the "encoder" section of docs/BENCHMARKS.md (bench/report.py) unless --no-write.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from moderation.ml import corpus  # noqa: E402
from moderation.ml.datasets import default_test_split, default_training_files  # noqa: E402
from moderation.ml.model_store import ModelStore  # noqa: E402
from moderation.pipeline import host as plugin_host  # noqa: E402
from moderation.pipeline.runner import Pipeline  # noqa: E402

AIMS = {"p50_ms": 2.0, "p95_ms": 60.0}
BATCH = 100
ROUNDS = 3
SHORT = "Die wethouder doet het prima"
LONG = (
    "Weer zo'n plan van de gemeente waar niemand om gevraagd heeft, de bewoners mogen meepraten maar "
    "uiteindelijk beslist de raad toch wat ze zelf al wilden, dat noemen ze dan participatie, ik noem "
    "het gewoon een toneelstuk voor de bühne en zo is het"
)


def texts_of(path) -> list[str]:
    return [row["text"] for row in corpus.read_rows(path) if row.get("text")]


def pipeline(encoder: str) -> tuple[Pipeline, ModelStore]:
    store = ModelStore(ROOT / "models", reload_seconds=3600, encoder=encoder, encoder_threads=1)
    store.poll(force=True)
    store.encoder()
    config = {"PLUGIN_BUDGET_MS": 60_000, "MAX_TEXT_LENGTH": 10_000}
    return Pipeline(plugin_host.build_manager(), store, config, workers=2), store


def percentile(values, q) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def one_by_one(pipe, texts) -> dict:
    for text in texts[:20]:
        pipe.analyze([{"text": text}])
    times, reached = [], 0
    for text in texts:
        started = time.perf_counter()
        [analysis] = pipe.analyze([{"text": text}])
        times.append((time.perf_counter() - started) * 1000)
        reached += "encoder" in analysis["models"]
        assert not analysis["errors"], analysis["errors"]
    return {
        "n": len(texts),
        "share": reached / len(texts),
        "p50": percentile(times, 50),
        "p95": percentile(times, 95),
        "p99": percentile(times, 99),
    }


def batches(pipe, texts) -> dict:
    rates, reached = [], 0
    for _ in range(ROUNDS):
        started, reached = time.perf_counter(), 0
        for start in range(0, len(texts), BATCH):
            reached += sum(
                "encoder" in a["models"] for a in pipe.analyze([{"text": t} for t in texts[start : start + BATCH]])
            )
        rates.append(len(texts) / (time.perf_counter() - started))
    return {"per_s": statistics.median(rates), "best": max(rates), "share": reached / len(texts)}


def encoder_alone(store) -> dict:
    encoder = store.encoder()
    out = {}
    for name, text in (("short", SHORT), ("40 words", LONG)):
        encoder.embed([text])
        times = []
        for _ in range(20):
            started = time.perf_counter()
            encoder.embed([text])
            times.append((time.perf_counter() - started) * 1000)
        out[name] = statistics.median(times)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--limit", type=int, default=0, help="only the first N test comments (quick runs)")
    args = parser.parse_args()
    test = texts_of(default_test_split())
    corpus_texts = [t for p in default_training_files() for t in texts_of(p)] + test
    if args.limit:
        test, corpus_texts = test[: args.limit], corpus_texts[: args.limit * 2]
    results = {"load": [os.getloadavg()[0]]}
    for setting in ("off", "on"):
        pipe, store = pipeline(setting)
        print(f"encoder {setting}: {store.encoder_status()}", file=sys.stderr)
        try:
            results[setting] = {"one": one_by_one(pipe, test), "batch": batches(pipe, corpus_texts)}
            if setting == "on" and store.encoder() is not None:
                results[setting]["alone"] = encoder_alone(store)
                results[setting]["model"] = store.get("stance").meta.get("encoder", {})
        finally:
            pipe.close()
        print(results[setting], file=sys.stderr)
        results["load"].append(os.getloadavg()[0])
    body = report(results, len(test), len(corpus_texts))
    print(body)
    if not args.no_write:
        from report import write_section

        write_section("encoder", body)


def report(results, n_test, n_corpus) -> str:
    from report import machine

    off, on = results["off"], results["on"]
    spec = on.get("model") or {}
    lines = [
        "## The cascade: stance's second tier (sentence encoder)",
        "",
        f"`.venv/bin/python bench/encoder.py` — {machine()}.",
        "Every built-in plugin through `Pipeline.analyze`, in process, no HTTP, no database; the same models, "
        "with `MODERATION_ENCODER=off` and `on` in one run, the encoder on one thread "
        "(`MODERATION_ENCODER_THREADS=1`). The machine is shared with other jobs: the 1-minute load average "
        f"was {', '.join(f'{x:.1f}' for x in results['load'])} (start, after off, after on) on 2 cores, "
        "so the figures are those of a machine several times busier than idle.",
        f"The encoder is consulted when the fast stance model's highest probability is below "
        f"{spec.get('doubt_below', '?')} (chosen by cross-validation on the training files, at most "
        f"35% of them), and its probabilities then count for {spec.get('weight', '?')}.",
        "",
        "| what | encoder off | encoder on | aim |",
        "|---|---:|---:|---:|",
        f"| share of test comments reaching the encoder ({n_test}) | 0% | {on['one']['share']:.1%} | |",
        f"| one comment end to end, p50 | {off['one']['p50']:.2f} ms | {on['one']['p50']:.2f} ms | ≤ {AIMS['p50_ms']} ms |",
        f"| one comment end to end, p95 | {off['one']['p95']:.2f} ms | {on['one']['p95']:.2f} ms | ≤ {AIMS['p95_ms']} ms |",
        f"| one comment end to end, p99 | {off['one']['p99']:.2f} ms | {on['one']['p99']:.2f} ms | |",
        f"| batches of {BATCH} ({n_corpus} comments; median of {ROUNDS} passes) | {off['batch']['per_s']:,.0f} comments/s "
        f"| {on['batch']['per_s']:,.0f} comments/s ({on['batch']['share']:.1%} to the encoder) | |",
    ]
    if on.get("alone"):
        lines += [
            "",
            "The encoder alone, one comment, median of 20 calls: "
            + ", ".join(f"{name} {ms:.1f} ms" for name, ms in on["alone"].items())
            + ". Comments are cut at 600 characters for it (plugins/encoder.py).",
        ]
    met = on["one"]["p50"] <= AIMS["p50_ms"] and on["one"]["p95"] <= AIMS["p95_ms"]
    lines += ["", f"Aims (p50 ≤ 2 ms, p95 ≤ 60 ms with the encoder on): {'met' if met else 'not met'} in this run."]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
