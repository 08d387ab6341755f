"""What the API process imports when it starts: the libraries only some requests need are imported
by those requests (a paper's PDF and signature, a QR image, a push to Firebase, Vietnamese word
segmentation, an outgoing HTTP call, a VNeID sign-in's token check), so that a worker that never
meets them neither loads nor holds them. The public holidays of the years a deadline falls in are
read from a table, not computed by a library that loads every country's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LATER = (
    "fpdf",
    "pyhanko",
    "qrcode",
    "PIL",
    "lxml",
    "firebase_admin",
    "google.auth",
    "requests",
    "underthesea",
    "holidays",
    "httpx",  # outgoing calls: made by the clients configured, or the first delivery
    "joserfc",  # VNeID sign-in
)


def test_importing_the_app_leaves_the_heavy_libraries_for_later() -> None:
    probe = f"import sys, asgi; print(' '.join(m for m in {LATER!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == []


def test_a_deadline_in_the_table_s_years_leaves_the_holidays_library_unloaded() -> None:
    probe = (
        "import sys\n"
        "from datetime import date\n"
        "from api.dossiers.workdays import WorkCalendar\n"
        "calendar = WorkCalendar()\n"
        "assert calendar.add_working_days(date(2026, 4, 24), 3) == date(2026, 5, 4)\n"
        "print('holidays' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == ["False"]
