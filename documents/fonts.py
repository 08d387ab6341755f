"""The font the papers are set in: DejaVu Sans, whose glyphs cover every Vietnamese letter, embedded
(subset) in each PDF so that the text reads and extracts the same on any reader."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

# Debian's fonts-dejavu-core; MOTCUA_FONT_DIR names another folder holding the same files.
DEFAULT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
REGULAR = "DejaVuSans.ttf"
BOLD = "DejaVuSans-Bold.ttf"


class FontMissingError(RuntimeError):
    pass


@cache
def font_dir() -> Path:
    configured = os.environ.get("MOTCUA_FONT_DIR")
    candidates = (Path(configured),) if configured else DEFAULT_DIRS
    for folder in candidates:
        if (folder / REGULAR).is_file() and (folder / BOLD).is_file():
            return folder
    raise FontMissingError(
        f"{REGULAR} and {BOLD} were not found in {', '.join(map(str, candidates))}: "
        "install Debian's fonts-dejavu-core or set MOTCUA_FONT_DIR"
    )


def regular() -> Path:
    return font_dir() / REGULAR


def bold() -> Path:
    return font_dir() / BOLD
