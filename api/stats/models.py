"""The indicators a province's one-stop shops are scored on. Pure."""

from __future__ import annotations

from datetime import date

import msgspec


class Indicators(msgspec.Struct, frozen=True, kw_only=True):
    """Over the dossiers received in [from, to] (Vietnam days) by the office, or by every office of
    `level`. Rates are null when nothing was there to count.

    - on_time_rate: resolved (result or refusal) no later than the appointment date / resolved
    - online_share, digitized_share: filed online / received; every mandatory paper stored as a file / received
    - electronic_result_share: results given as a file / results given (refusals have none)
    - reception_on_time_rate: online submissions of the period received or sent back within the
      reception deadline / those answered or already past it
    - satisfaction, ratings: average score and number of ratings given in the period
    - overdue_now: open dossiers past a deadline at this moment (reception or processing)
    """

    from_: date = msgspec.field(name="from")
    to: date
    agency: str | None
    level: str | None
    received: int
    resolved: int
    on_time_rate: float | None
    online_share: float | None
    digitized_share: float | None
    electronic_result_share: float | None
    reception_on_time_rate: float | None
    satisfaction: float | None
    ratings: int
    overdue_now: int


def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
