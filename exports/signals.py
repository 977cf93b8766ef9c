"""What exports announces: a background export finished (made, or failed). chasing, higher up,
tells the person who asked (chasing/receivers.py); exports imports nothing of chasing
(docs/architecture.md). Sent inside the transaction that marks the export finished."""

from django.dispatch import Signal

# export: the exports.Export, state done (its file ready) or failed (its error says why).
export_finished = Signal()
