"""The one Django-aware module of the breakdown package: a committee's members as a directory."""

from __future__ import annotations

import datetime as dt

from agencies.models import Committee, Membership
from breakdown.agencies import AgencyDirectory, AgencyRecord


def directory_for_committee(committee: Committee, *, on: dt.date | None = None) -> AgencyDirectory:
    """Every member agency of ``committee`` (valid on ``on`` when given), with its aliases."""
    memberships = (
        Membership.objects.filter(committee=committee)
        .select_related("agency")
        .prefetch_related("agency__aliases")
        .order_by("agency__code")
    )
    records = []
    for membership in memberships:
        agency = membership.agency
        if on is not None and not agency.is_valid_on(on):
            continue
        records.append(
            AgencyRecord(
                code=agency.code,
                name=agency.name,
                short_name=agency.short_name,
                aliases=[alias.alias for alias in agency.aliases.all()],
                kind=agency.kind,
            )
        )
    standing = committee.standing_agency.code if committee.standing_agency else ""
    return AgencyDirectory(records, place_name=committee.place_name or "", standing_code=standing)
