"""What periodic reporting announces, for the apps above it: chasing tells the agency's staff
(chasing/receivers.py). Sent inside the action's transaction."""

from django.dispatch import Signal

# submission, by, reason: the standing office returned a periodic report.
periodic_report_returned = Signal()
