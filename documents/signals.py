"""What the directive actions announce, for the apps above documents to act on: chasing tells
the chair or the standing office (chasing/receivers.py). Sent inside the action's transaction;
`occurrence` names its history entry."""

from django.dispatch import Signal

# directive, by, note, occurrence: the standing office sent the task list to the chair.
task_list_submitted = Signal()

# directive, by, reason, occurrence: the chair sent it back for revision.
task_list_returned = Signal()
