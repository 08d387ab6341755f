"""The ceiling the doors are measured against: one bare Litestar route answering a msgspec struct, on
granian as `motcua serve` runs the app (one worker, uvloop, no access log), with nothing else: no
middleware, dependency, guard, database or Redis.

    uv run python bench/ceiling.py PORT
"""

from __future__ import annotations

import sys
from pathlib import Path

import msgspec
from granian import Granian
from granian.constants import Interfaces, Loops
from litestar import Litestar, get


class Answer(msgspec.Struct, frozen=True):
    slug: str
    name: str
    fee: int


@get("/", sync_to_thread=False)
def answer() -> Answer:
    return Answer(slug="birth-registration", name="Đăng ký khai sinh", fee=0)


app = Litestar([answer], debug=False, logging_config=None)

if __name__ == "__main__":
    Granian(
        "ceiling:app",
        address="127.0.0.1",
        port=int(sys.argv[1]),
        workers=1,
        interface=Interfaces.ASGI,
        loop=Loops.uvloop,
        log_access=False,
        working_dir=Path(__file__).resolve().parent,
    ).serve()
