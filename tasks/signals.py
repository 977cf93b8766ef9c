"""What the task actions announce, for the apps above tasks to act on: chasing tells whoever
acts next (chasing/receivers.py). tasks imports nothing from them: the arrows point one way.

Each is sent inside the action's transaction, once its history entry is written; `occurrence`
names that entry, so a receiver sending anything after the commit sends it once.
"""

from enum import StrEnum

from django.dispatch import Signal

# Agencies got their parts of tasks (one task dispatched, a directive's tasks, an agency added):
# parts=[TaskAssignment, ...] (each with its .task and .agency), by, occurrence.
parts_dispatched = Signal()


class ReportMove(StrEnum):
    """A result report's steps between the agency, its head and the standing office."""

    TO_SIGN_OFF = "to_sign_off"  # the officer sent it to the head
    TO_REVIEW = "to_review"  # sent on to the standing office
    SENT_BACK = "sent_back"  # the head sent it back to the officer
    ACCEPTED = "accepted"  # the standing office accepted it
    RETURNED = "returned"  # the standing office returned it for more work


# assignment, move (ReportMove), by, occurrence, note, author (who wrote the report, or None).
report_moved = Signal()

# extension, by, occurrence.
extension_requested = Signal()
extension_decided = Signal()

# The standing office urged the leads still owing: task, owing=[TaskAssignment], by, note
# (empty: the default words, URGE_DEFAULT of tasks/actions.py), occurrence.
task_urged = Signal()
