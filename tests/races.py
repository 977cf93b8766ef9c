"""Racing people against each other on real row locks (PostgreSQL tests only): every
contender runs in its own thread, on its own connection, and all act at the same moment."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection

from project.errors import ActionError

WON = "won"


def race(
    load: Callable[[], object] | list[Callable[[], object]],
    calls: list[Callable[[object], object]],
) -> list[str]:
    """Each contender loads its object (as its page showed it; `load` is one loader for all, or
    one per contender), all wait until everyone has it, then all act at once. Returns, per
    contender, "won", the refusal's message, or the repr of anything else (a failure for the
    test to report). A test that travels in time wraps the call: the clock is the process's."""
    loads = load if isinstance(load, list) else [load] * len(calls)
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = [""] * len(calls)

    def run(index: int, call: Callable[[object], object]) -> None:
        try:
            obj = loads[index]()
            barrier.wait(timeout=30)
            call(obj)
            outcomes[index] = WON
        except ActionError as exc:
            outcomes[index] = str(exc.message)
        except Exception as exc:
            outcomes[index] = repr(exc)
        finally:
            connection.close()  # the thread's own connection

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes
