"""Training of the learned understanding: ``motcua nlu train`` (scikit-learn, the ``train`` group).

1. The corpus (:mod:`.corpus`) is normalized like any message (:func:`.normalize.normalize`).
2. One ``TfidfVectorizer`` over :func:`.features.features` (sublinear counts, unit length) feeds
   two multinomial logistic regressions: the intent (12 classes) and the procedure named (the 40
   slugs and ``none``). A name several procedures share is one row per procedure, each weighted by
   its share, so the model spreads its belief instead of choosing.
3. Weights too small to change an answer are dropped, and what is left is written to
   ``data/model.npz`` for :mod:`.model`, which scores without scikit-learn. The runtime
   scorer is checked against scikit-learn's own probabilities before the file is written.

Only dev data (``tests/data/nlu_dev.jsonl``, ``tests/data/nlu_dev2.jsonl``) is read to report how
the settings do; the held-out sets are never read here.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .corpus import Sample, build_corpus, data_digest, summary
from .model import FORMAT, MODEL_FILE, Model, encode_model, read_model
from .normalize import normalize

__all__ = ("NONE", "main", "train")

NONE = "none"
"""The procedure class of a message that names none."""
DEFAULTS: dict[str, Any] = {
    "seed": 2026,
    "min_df": 2,
    "c_intent": 10.0,
    "c_procedure": 30.0,
    "prune": 0.15,
}
_PACKAGE = Path(__file__).parent


def _fold(text: str) -> str:
    return normalize(text).folded


def _rows(samples: Sequence[Sample]) -> tuple[list[str], list[str], list[str], list[float], list[int]]:
    """Texts and intents once per sample; procedure rows once per procedure named (weighted)."""
    texts = [_fold(s.text) for s in samples]
    intents = [s.intent for s in samples]
    procedure_rows: list[int] = []
    procedures: list[str] = []
    weights: list[float] = []
    for i, s in enumerate(samples):
        named = s.procedures or (NONE,)
        for slug in named:
            procedure_rows.append(i)
            procedures.append(slug)
            weights.append(1.0 / len(named))
    return texts, intents, procedures, weights, procedure_rows


def train(samples: Sequence[Sample], settings: dict[str, Any]) -> dict[str, Any]:
    """The model file's content (a JSON-able dict) for ``samples``."""
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError as missing:  # only the `train` dependency group installs it
        raise SystemExit("scikit-learn is missing: uv run --group train motcua nlu train") from missing

    from .features import features

    texts, intents, procedures, weights, procedure_rows = _rows(samples)
    vectorizer = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=settings["min_df"])
    x = vectorizer.fit_transform(texts)
    # balanced: a procedure's name alone is procedure_info, so names would otherwise pull towards it
    intent_model = LogisticRegression(C=settings["c_intent"], max_iter=3000, class_weight="balanced")
    intent_model.fit(x, intents)
    procedure_model = LogisticRegression(C=settings["c_procedure"], max_iter=3000)
    procedure_model.fit(x[procedure_rows], procedures, sample_weight=weights)
    vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
    data = {
        "format": FORMAT,
        "info": {"corpus_digest": data_digest(), "samples": len(samples), "settings": settings},
        "vocabulary": vocabulary,
        "idf": [round(float(v), 5) for v in vectorizer.idf_],
        "heads": {
            "intent": _head(intent_model, settings["prune"]),
            "procedure": _head(procedure_model, settings["prune"]),
        },
    }
    _check(data, vectorizer, {"intent": intent_model, "procedure": procedure_model}, texts)
    return data


def _head(model: Any, prune: float) -> dict[str, Any]:
    """The classes, intercepts and the weights of at least ``prune`` in size, by feature."""
    coef = model.coef_  # classes × features
    indptr = [0]
    indices: list[int] = []
    weights: list[float] = []
    for feature in range(coef.shape[1]):
        column = coef[:, feature]
        for cls, w in enumerate(column):
            if abs(w) >= prune:
                indices.append(cls)
                weights.append(round(float(w), 4))
        indptr.append(len(indices))
    return {
        "classes": [str(c) for c in model.classes_],
        "intercept": [round(float(b), 5) for b in model.intercept_],
        "indptr": indptr,
        "indices": indices,
        "weights": weights,
    }


def _check(data: dict[str, Any], vectorizer: Any, models: dict[str, Any], texts: Sequence[str]) -> None:
    """The plain-Python scorer gives scikit-learn's answer on the training messages, except where
    scikit-learn itself hesitated (two classes within 0.1): pruning may only flip those."""
    runtime = read_model(encode_model(data))  # the file's own numbers, as a worker reads them
    sample = texts[:: max(1, len(texts) // 2000)]
    x = vectorizer.transform(sample)
    for name, model in models.items():
        probabilities = model.predict_proba(x)
        head = runtime.heads[name]
        agree = 0
        for text, row in zip(sample, probabilities, strict=True):
            top = sorted(row)[-2:]
            got = head.probabilities(runtime.vectorize(text))
            answer = max(got, key=got.__getitem__)
            agree += answer == model.classes_[row.argmax()] or top[1] - top[0] < 0.1
        rate = agree / len(sample)
        print(f"runtime {name} head agrees with scikit-learn on {rate:.2%} of {len(sample)} training messages")
        if rate < 0.995:
            raise SystemExit(f"the exported {name} head differs from scikit-learn's: prune less")


def _dev(paths: Sequence[Path]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in paths:
        if path.exists():
            rows += [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return rows


def _report_dev(model: Model, rows: Sequence[dict[str, Any]]) -> None:
    """Each head alone on the dev messages (the whole understanding is measured by the tests)."""
    if not rows:
        return
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    misses: list[str] = []
    for row in rows:
        vector = model.vectorize(_fold(row["text"]))
        p_intent = model.heads["intent"].probabilities(vector)
        p_procedure = model.heads["procedure"].probabilities(vector)
        intent = max(p_intent, key=p_intent.__getitem__)
        procedure = max(p_procedure, key=p_procedure.__getitem__)
        want = row.get("procedure") or NONE
        for group in ("all", f"style {row.get('style')}", f"intent {row['intent']}"):
            total[group] += 1
            right[group, "intent"] += intent == row["intent"]  # type: ignore[index]
            if want != NONE and not row.get("clarify"):
                total[group, "named"] += 1  # type: ignore[index]
                right[group, "procedure"] += procedure == want  # type: ignore[index]
        if intent != row["intent"]:
            misses.append(f"  {row['text']!r}: {row['intent']} → {intent} ({p_intent[intent]:.2f})")
    for group in sorted(g for g in total if isinstance(g, str)):
        named = total[group, "named"]  # type: ignore[index]
        proc = f"{right[group, 'procedure'] / named:6.1%}" if named else "     -"  # type: ignore[index]
        print(f"  {group:30} {total[group]:5}  intent {right[group, 'intent'] / total[group]:6.1%}  procedure {proc}")  # type: ignore[index]
    print(f"  {len(misses)} intent misses on dev:")
    print("\n".join(misses[:60]))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="motcua nlu train", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=_PACKAGE / MODEL_FILE)
    parser.add_argument(
        "--dev", type=Path, nargs="*", default=[Path("tests/data/nlu_dev.jsonl"), Path("tests/data/nlu_dev2.jsonl")]
    )
    parser.add_argument("--dry-run", action="store_true", help="train and report, write nothing")
    for key, value in DEFAULTS.items():
        parser.add_argument(f"--{key.replace('_', '-')}", type=type(value), default=value)
    args = parser.parse_args(argv)
    settings = {key: getattr(args, key) for key in DEFAULTS}
    started = time.perf_counter()
    samples = build_corpus(settings["seed"])
    for line in summary(samples):
        print(line)
    data = train(samples, settings)
    raw = encode_model(data)
    model = read_model(raw)
    print(f"trained in {time.perf_counter() - started:.1f} s; {model.vocabulary_size} features")
    for name, head in data["heads"].items():
        print(f"  {name}: {len(head['classes'])} classes, {len(head['weights'])} weights kept")
    _report_dev(model, _dev(args.dev))
    if not args.dry_run:
        args.out.write_bytes(raw)
        print(f"wrote {args.out} ({len(raw) / 1024:.0f} KiB)")
    return 0
