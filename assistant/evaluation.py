"""How well the assistant understands, measured on labelled messages and conversations.

Each message goes through what a turn of the app does before answering: normalization, the
understanding (:mod:`assistant.nlu.understand`) and the conversation (:mod:`assistant.conversation`),
from a fresh conversation for a single message, turn after turn for a dialogue. A turn is right
when its intent is, and its procedure is the one expected (for a message that should be asked
about, when it asks). Figures per intent, style and procedure, fallback precision and recall, the
confusion matrix of intents, and the misses. Pure (the caller reads the files).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Final, TypeVar

import msgspec

from assistant.conversation import Turn, follow
from assistant.dialogue import DialogueState
from assistant.nlu.intents import Intent
from assistant.nlu.normalize import normalize
from assistant.nlu.understand import Understander

__all__ = ("Case", "Dialogue", "Report", "evaluate", "load", "report_text", "understander_for")

T = TypeVar("T")


class Case(msgspec.Struct, frozen=True):
    text: str
    intent: Intent
    procedure: str | None
    style: str = ""
    clarify: bool = False


class Dialogue(msgspec.Struct, frozen=True):
    id: str
    style: str
    turns: list[Case]


class Understood(msgspec.Struct, frozen=True):
    """What the assistant made of one case: its intent, its procedure, whether it asked back."""

    case: Case
    intent: Intent
    procedure: str | None
    asked: bool

    @property
    def intent_right(self) -> bool:
        return self.intent is self.case.intent

    @property
    def procedure_right(self) -> bool:
        if self.case.clarify:
            return self.asked and self.procedure is None
        return self.procedure == self.case.procedure and not self.asked

    @property
    def right(self) -> bool:
        return self.intent_right and self.procedure_right


def _understood(case: Case, turn: Turn) -> Understood:
    return Understood(case, turn.intent, turn.procedure, bool(turn.candidates))


class Rate(msgspec.Struct, frozen=True):
    right: int
    total: int

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 1.0

    def __str__(self) -> str:
        return f"{self.value:.1%} ({self.right}/{self.total})"


class Report(msgspec.Struct, frozen=True, kw_only=True):
    messages: int
    intent: Rate
    procedure: Rate
    """Over the messages that name a procedure or should be asked about."""
    joint: Rate
    by_intent: dict[str, Rate]
    by_style: dict[str, Rate]
    """Intent accuracy per style."""
    joint_by_style: dict[str, Rate]
    by_procedure: dict[str, Rate]
    fallback_precision: Rate
    fallback_recall: Rate
    confusion: dict[str, dict[str, int]]
    """expected intent → predicted intent → count."""
    dialogue_turns: Rate | None
    misses: list[str]


def _rate(outcomes: Iterable[Understood], ok: str) -> Rate:
    items = list(outcomes)
    return Rate(sum(bool(getattr(o, ok)) for o in items), len(items))


def run_dialogue(
    dialogue: Dialogue, understander: Understander, names: Mapping[str, Sequence[str]]
) -> list[Understood]:
    state = DialogueState()
    out = []
    for case in dialogue.turns:
        message = normalize(case.text)
        out.append(_understood(case, follow(understander(message), message, state, names)))
    return out


def evaluate(
    cases: Sequence[Case],
    understander: Understander,
    names: Mapping[str, Sequence[str]],
    dialogues: Sequence[Dialogue] = (),
) -> Report:
    outcomes = []
    for case in cases:
        message = normalize(case.text)
        outcomes.append(_understood(case, follow(understander(message), message, DialogueState(), names)))
    turns = [o for d in dialogues for o in run_dialogue(d, understander, names)]
    confusion: dict[str, dict[str, int]] = {i.value: {} for i in Intent}
    for o in outcomes:
        row = confusion[o.case.intent.value]
        row[o.intent.value] = row.get(o.intent.value, 0) + 1
    styles = sorted({c.style for c in cases})
    procedures = sorted({c.procedure for c in cases if c.procedure})
    with_procedure = [o for o in outcomes if o.case.procedure or o.case.clarify]
    misses = [
        f"{o.case.text!r}: want {o.case.intent}/{o.case.procedure or ('ask' if o.case.clarify else '-')}, "
        f"got {o.intent}/{o.procedure or ('ask' if o.asked else '-')}"
        for o in [*outcomes, *turns]
        if not o.right
    ]
    return Report(
        messages=len(outcomes),
        intent=_rate(outcomes, "intent_right"),
        procedure=_rate(with_procedure, "procedure_right"),
        joint=_rate(outcomes, "right"),
        by_intent={i.value: _rate((o for o in outcomes if o.case.intent is i), "intent_right") for i in Intent},
        by_style={s: _rate((o for o in outcomes if o.case.style == s), "intent_right") for s in styles},
        joint_by_style={s: _rate((o for o in outcomes if o.case.style == s), "right") for s in styles},
        by_procedure={p: _rate((o for o in outcomes if o.case.procedure == p), "procedure_right") for p in procedures},
        fallback_precision=_rate((o for o in outcomes if o.intent is Intent.FALLBACK), "intent_right"),
        fallback_recall=_rate((o for o in outcomes if o.case.intent is Intent.FALLBACK), "intent_right"),
        confusion=confusion,
        dialogue_turns=_rate(turns, "right") if dialogues else None,
        misses=misses,
    )


def render(report: Report, title: str) -> str:
    """The report as Markdown: the summary, then per intent, style and procedure, then the matrix."""
    lines = [f"### {title}", "", "| measure | value |", "|---|---|"]
    lines += [
        f"| intent | {report.intent} |",
        f"| procedure (messages naming one or to be asked about) | {report.procedure} |",
        f"| intent and procedure | {report.joint} |",
        f"| fallback precision | {report.fallback_precision} |",
        f"| fallback recall | {report.fallback_recall} |",
    ]
    if report.dialogue_turns is not None:
        lines.append(f"| dialogue turns | {report.dialogue_turns} |")
    lines += ["", "| style | intent | intent and procedure |", "|---|---|---|"]
    lines += [f"| {s} | {r} | {report.joint_by_style[s]} |" for s, r in report.by_style.items()]
    lines += ["", "| intent | accuracy |", "|---|---|"]
    lines += [f"| {i} | {r} |" for i, r in report.by_intent.items() if r.total]
    lines += ["", "| procedure | accuracy |", "|---|---|"]
    lines += [f"| {p} | {r} |" for p, r in report.by_procedure.items()]
    short = {i.value: "".join(w[0] for w in i.value.split("_")) for i in Intent}
    short.update({"procedure_documents": "pdoc", "procedure_duration": "pdur", "procedure_fee": "pfee"})
    short.update({"procedure_info": "pinf", "procedure_location": "ploc", "greeting": "gre", "goodbye": "bye"})
    columns = [i.value for i in Intent]
    lines += ["", "Confusion matrix (rows: expected intent, columns: answered):", ""]
    lines += ["| expected \\ answered | " + " | ".join(short[c] for c in columns) + " |"]
    lines += ["|---|" + "---:|" * len(columns)]
    for row in columns:
        cells = [str(report.confusion[row].get(c, "")) or "·" for c in columns]
        lines.append(f"| {row} | " + " | ".join(cells) + " |")
    lines += ["", "Legend: " + ", ".join(f"{short[c]} = {c}" for c in columns)]
    return "\n".join(lines)


def load(path: Path, kind: type[T]) -> list[T]:
    """A JSON-lines file of cases or dialogues."""
    return [msgspec.json.decode(line, type=kind) for line in path.read_text("utf-8").splitlines() if line.strip()]


def understander_for(
    names: Mapping[str, Sequence[str]], papers: Mapping[str, Sequence[str]] | None = None
) -> tuple[Understander, dict[str, list[str]]]:
    """What a turn of the app uses, for the procedures of ``names`` (slug → names as written) and the
    papers their dossiers ask for (slug → the papers' names): the understander (quick replies
    understood exactly) and each procedure's names folded."""
    from assistant.answers import quick_reply_intents

    folded = {slug: [normalize(n).folded for n in ns] for slug, ns in names.items()}
    return Understander(folded, exact=quick_reply_intents(), papers=papers), folded


_TUNED_ON_AFTER_MEASURING: Final = (
    "Eighth",
    "Ninth",
    "Tenth",
    "Eleventh",
    "Twelfth",
    "Thirteenth",
    "Fourteenth",
    "Fifteenth",
    "Sixteenth",
    "Seventeenth",
    "Eighteenth",
    "Nineteenth",
    "Twentieth",
    "Twenty-first",
    "Twenty-second",
    "Twenty-third",
    "Twenty-fourth",
    "Twenty-fifth",
    "Twenty-sixth",
    "Twenty-seventh",
    "Twenty-eighth",
    "Twenty-ninth",
    "Thirtieth",
    "Thirty-first",
    "Thirty-second",
    "Thirty-third",
    "Thirty-fourth",
    "Thirty-fifth",
    "Thirty-sixth",
    "Thirty-seventh",
    "Thirty-eighth",
    "Thirty-ninth",
    "Fortieth",
    "Forty-first",
    "Forty-second",
    "Forty-third",
    "Forty-fourth",
    "Forty-fifth",
    "Forty-sixth",
    "Forty-seventh",
    "Forty-eighth",
    "Forty-ninth",
    "Fiftieth",
    "Fifty-first",
    "Fifty-second",
)
"""The writers of nlu_heldout6 onwards, whose sets were measured (once, or from the thirty-third writer on
at several states), then demoted to dev and tuned on."""


def _files(n: int) -> tuple[str, str]:
    return f"nlu_heldout{n}.jsonl", f"nlu_heldout{n}_dialogues.jsonl"


def report_text(data: Path, names: Mapping[str, Sequence[str]], papers: Mapping[str, Sequence[str]]) -> str:
    """The Markdown report of ``motcua nlu report``: the held-out set, then the dev sets. A set
    whose file is absent is left out."""
    understander, folded = understander_for(names, papers)
    sections = [
        ("Held-out set (never tuned on)", "nlu_heldout.jsonl", "nlu_heldout_dialogues.jsonl"),
        ("Dev set (tuned on)", "nlu_dev.jsonl", "nlu_dev_dialogues.jsonl"),
        ("Second dev set, another writer (tuned on)", "nlu_dev2.jsonl", "nlu_dev2_dialogues.jsonl"),
        ("Third dev set, another writer (tuned on)", "nlu_dev3.jsonl", "nlu_dev3_dialogues.jsonl"),
        (
            "Fourth writer's set, once held out, now dev (used to choose between models, tuned on)",
            *_files(2),
        ),
        (
            "Fifth writer's set, once held out, now dev (measured once, then tuned on)",
            *_files(3),
        ),
        (
            "Sixth writer's set, once held out, now dev (measured once, then tuned on)",
            *_files(4),
        ),
        (
            "Seventh writer's set, once held out, now dev (measured at three frozen states, then tuned on)",
            *_files(5),
        ),
        *(
            (f"{ordinal} writer's set, once held out, now dev (measured, then tuned on)", *_files(n))
            for n, ordinal in enumerate(_TUNED_ON_AFTER_MEASURING, start=6)
        ),
        ("The earlier evaluation set (dev)", "assistant_eval.jsonl", None),
    ]
    out = [
        "# How well the assistant understands",
        "",
        "Written by `uv run motcua nlu report --write`; how the figures are made: `assistant/evaluation.py`,",
        "the sets: `tests/data/README.md`.",
    ]
    for title, singles, dialogues in sections:
        if not (data / singles).exists():
            continue
        cases = load(data / singles, Case)
        if singles == "assistant_eval.jsonl":  # its procedure questions that name none are asked back
            cases = [Case(c.text, c.intent, c.procedure, c.style) for c in cases]
        talks = load(data / dialogues, Dialogue) if dialogues and (data / dialogues).exists() else []
        report = evaluate(cases, understander, folded, talks)
        out += ["", render(report, title)]
        if "held-out" not in title.lower():
            continue
        out += ["", f"Misses on this held-out set ({len(report.misses)}), for the record, not for tuning:", ""]
        out += [f"- {m}" for m in report.misses]
    return "\n".join(out) + "\n"
