"""The things people do to the directory. Views call these; each checks the right, writes in
one transaction and logs who did what."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.models import ChangeEventKind
from audit.recording import record_change
from project.errors import ActionError, ActionForbidden

from . import permissions as perms
from .models import Agency, AgencyAlias, Committee, User

# Alias changes are in the audit trail (audit.ChangeEvent) and, as a line, in this logger
# (settings.LOGGING keeps dondoc.audit at INFO).
audit_log = logging.getLogger("dondoc.audit.agencies")

ALIAS_NOT_PERMITTED = _("Only the standing office of the committee can map a name to an agency.")
ALIAS_EMPTY = _("Please give the name to map.")
ALIAS_NOT_MEMBER = _("“%(agency)s” is not a member of this committee.")
ALIAS_TAKEN = _("“%(name)s” already means %(agency)s in this committee.")
ALIAS_TOO_LONG = _("The name is too long (at most 255 characters).")


def map_alias(committee: Committee, name: str, agency: Agency, *, by: User) -> AgencyAlias:
    """Record that `name`, as a directive wrote it, means `agency`: the breakdown of the next
    directive resolves it. Mapping the same name again changes nothing."""
    if not (perms.is_secretariat_of(by, committee.pk) or perms.is_admin(by)):
        raise ActionForbidden(ALIAS_NOT_PERMITTED)
    name = " ".join(name.split())
    if not name:
        raise ActionError(ALIAS_EMPTY)
    if len(name) > 255:
        raise ActionError(ALIAS_TOO_LONG)
    if not agency.memberships.filter(committee=committee).exists():
        raise ActionError(ALIAS_NOT_MEMBER % {"agency": agency})
    taken = (
        AgencyAlias.objects.filter(alias__iexact=name, agency__memberships__committee=committee)
        .exclude(agency=agency)
        .select_related("agency")
        .first()
    )
    if taken is not None:
        raise ActionError(ALIAS_TAKEN % {"name": name, "agency": taken.agency})
    with transaction.atomic():
        alias, created = AgencyAlias.objects.get_or_create(agency=agency, alias=name)
        if created:
            record_change(
                ChangeEventKind.ALIAS_MAPPED,
                actor=by,
                committee=committee,
                subject=agency.code,
                changes={"alias": [None, name]},
            )
    if created:
        audit_log.info(
            "alias mapped: %r -> %s (committee %s) by user %s",
            name,
            agency.code,
            committee.code,
            by.pk,
        )
    return alias
