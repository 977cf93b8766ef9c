"""Pause points for fault tests: a test runs the tick in a subprocess with
DONDOC_PAUSE_AT=<point>, waits for "paused at <point>" on its stderr, and kills it with
SIGKILL there (tests/security/test_tick_faults.py).

Harmless in production: a point does nothing unless DEBUG is on (never in production:
`check --deploy`) and the variable names it; the cost is one settings and one environment
lookup.
"""

from __future__ import annotations

import os
import sys
import time

from django.conf import settings

PAUSE_VARIABLE = "DONDOC_PAUSE_AT"
PAUSE_SECONDS = 600  # long enough for any test to kill the process; it never resumes work


def pause_point(name: str) -> None:
    """Hold the process here if a fault test asked for this point."""
    if not settings.DEBUG or os.environ.get(PAUSE_VARIABLE) != name:
        return
    sys.stderr.write(f"paused at {name}\n")
    sys.stderr.flush()
    time.sleep(PAUSE_SECONDS)
