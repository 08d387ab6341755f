"""How often the assistant names the right procedure, on messages its matcher never reads.
The bar only goes up: raise it as matching improves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

from tests.integration.conftest import TokenFactory, bearer

BAR = 1.0  # measured 93.8% on 2026-11-23 (hand-tuned matcher), 100% on 2026-12-06 (learned models)
DATA = Path(__file__).parent / "data" / "procedure_eval.tsv"


async def test_procedure_matching_accuracy(client: AsyncTestClient[Any], make_token: TokenFactory) -> None:
    headers = bearer(await make_token("0912900078"))  # signed in: 80 turns are past an address's anonymous share
    cases = [line.split("\t") for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    misses = []
    for text, slug in cases:
        answer = (await client.post("/api/v1/assistant/messages", json={"text": text}, headers=headers)).json()
        got = (answer.get("procedure") or {}).get("slug")
        if got != slug:
            misses.append((text, slug, got, answer["intent"]))
    accuracy = 1 - len(misses) / len(cases)
    print(f"\nprocedure matching: {accuracy:.1%} of {len(cases)}")
    for miss in misses:
        print("  miss:", miss)
    assert len({slug for _, slug in cases}) == 40
    assert accuracy >= BAR, misses
