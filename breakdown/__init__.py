"""Vietnamese directive breakdown: text -> header, proposed tasks, agencies, deadlines.

The parsing core is pure Python (no Django); ``django_directory`` is the only
Django-aware module.
"""

from breakdown.agencies import AgencyDirectory, AgencyRecord
from breakdown.engine import Breakdown, DirectiveHeader, ProposedTask, propose_tasks
from breakdown.readers import BreakdownInputError, read_directive_file

__all__ = [
    "AgencyDirectory",
    "AgencyRecord",
    "Breakdown",
    "BreakdownInputError",
    "DirectiveHeader",
    "ProposedTask",
    "propose_tasks",
    "read_directive_file",
]
