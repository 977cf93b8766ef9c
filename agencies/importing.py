"""Importing a committee's member agencies from CSV.

Header: code,name,short_name,aliases,kind,parent_code (aliases separated by ";"). The file is
checked whole before anything is written: a bad file is rejected with each bad line's number
and reason, and the database is left exactly as it was. Re-importing the same file changes
nothing; an edited file updates the agencies it names.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import ChangeEventKind
from audit.recording import record_change

from .models import (
    Agency,
    AgencyAlias,
    AgencyKind,
    Committee,
    CommitteeLevel,
    Membership,
    User,
)

COLUMNS = ("code", "name", "short_name", "aliases", "kind", "parent_code")
REQUIRED_COLUMNS = ("code", "name")


@dataclass
class LineError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class ImportRejected(Exception):
    """The whole file was refused; `errors` says which lines and why."""

    def __init__(self, errors: list[LineError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class ImportResult:
    committee: Committee
    committee_created: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.committee_created or self.created or self.updated)


@dataclass
class _Row:
    line: int
    code: str
    name: str
    short_name: str
    aliases: list[str]
    kind: str
    parent_code: str


def _clean(value: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def _read_text(source: str | Path | IO) -> str:
    if hasattr(source, "read"):
        data = source.read()
    else:
        data = Path(source).read_bytes()
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRejected(
            [LineError(line, _("the file is not UTF-8 text; save it as CSV UTF-8 and try again"))]
        ) from exc


def parse_rows(text: str) -> list[_Row]:
    """Read and check every line; raise ImportRejected listing all the problems at once."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ImportRejected(
            [LineError(1, _("missing column(s): %(columns)s") % {"columns": ", ".join(missing)})]
        )
    reader.fieldnames = header
    errors: list[LineError] = []
    rows: list[_Row] = []
    first_line_of: dict[str, int] = {}
    kinds = set(AgencyKind.values)
    records = iter(reader)
    while True:
        first = reader.line_num + 1  # the record's first line
        try:
            record = next(records)
        except StopIteration:
            break
        except csv.Error as exc:  # e.g. a NUL byte, or a field too long
            errors.append(LineError(reader.line_num, str(exc)))
            break
        line = reader.line_num
        raw = [v for v in record.values() if isinstance(v, str)]
        if any("\n" in v or "\r" in v for v in raw):
            # A quote opened and never closed: the csv module reads on into the next lines
            # and would silently swallow them into this field.
            errors.append(
                LineError(
                    first,
                    _(
                        'a quote (") is opened and not closed: lines %(first)s to %(last)s '
                        "were read as one"
                    )
                    % {"first": first, "last": line},
                )
            )
            continue
        if None in record:
            errors.append(LineError(line, _("too many fields (is a comma missing its quotes?)")))
            continue
        values = {key: _clean(record.get(key)) for key in COLUMNS}
        if not any(values.values()):
            continue  # a blank line
        code = values["code"]
        if not code:
            errors.append(LineError(line, _("the code is empty")))
        elif code.casefold() in first_line_of:  # KG-DC and kg-dc are one agency
            errors.append(
                LineError(
                    line,
                    _("code %(code)s is already used on line %(first)s")
                    % {"code": code, "first": first_line_of[code.casefold()]},
                )
            )
        else:
            first_line_of[code.casefold()] = line
        if not values["name"]:
            errors.append(LineError(line, _("the name is empty")))
        kind = values["kind"] or AgencyKind.OTHER
        if kind not in kinds:
            errors.append(
                LineError(
                    line,
                    _("unknown kind “%(kind)s”; use one of: %(kinds)s")
                    % {"kind": kind, "kinds": ", ".join(sorted(kinds))},
                )
            )
        if values["parent_code"] and values["parent_code"] == code:
            errors.append(LineError(line, _("an agency cannot be its own parent")))
        aliases = sorted({_clean(a) for a in values["aliases"].split(";") if _clean(a)})
        rows.append(
            _Row(
                line,
                code,
                values["name"],
                values["short_name"],
                aliases,
                kind,
                values["parent_code"],
            )
        )
    if not rows and not errors:
        errors.append(LineError(1, _("the file has no agencies")))
    file_codes = {r.code for r in rows if r.code}
    known = file_codes | set(
        Agency.objects.filter(code__in={r.parent_code for r in rows if r.parent_code}).values_list(
            "code", flat=True
        )
    )
    errors.extend(_case_clashes(rows))
    for row in rows:
        if row.parent_code and row.parent_code not in known:
            errors.append(
                LineError(
                    row.line,
                    _("parent %(parent)s is neither in the file nor in the database")
                    % {"parent": row.parent_code},
                )
            )
    errors.extend(_cycles(rows))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.line))
    return rows


def _case_clashes(rows: list[_Row]) -> list[LineError]:
    """A code that differs from an agency already in the database only by letter case."""
    errors = []
    for row in rows:
        if not row.code:
            continue
        clash = (
            Agency.objects.filter(code__iexact=row.code)
            .exclude(code=row.code)
            .values_list("code", flat=True)
            .first()
        )
        if clash:
            errors.append(
                LineError(
                    row.line,
                    _(
                        "code %(code)s differs only in letter case from the existing agency "
                        "%(existing)s; use the same code"
                    )
                    % {"code": row.code, "existing": clash},
                )
            )
    return errors


def _database_parents() -> dict[str, str]:
    return dict(
        Agency.objects.filter(parent__isnull=False).values_list("code", "parent__code").iterator()
    )


def _cycles(rows: list[_Row]) -> list[LineError]:
    """Parents going round in a circle, through the file's lines and the agencies already in
    the database (whose parents the file does not restate)."""
    parent_of = _database_parents()
    for r in rows:
        parent_of.pop(r.code, None)  # the file's line says where this agency belongs now
    parent_of.update({r.code: r.parent_code for r in rows if r.parent_code})
    errors = []
    for row in rows:
        seen, code = set(), row.code
        while code in parent_of:
            if code in seen:
                errors.append(
                    LineError(
                        row.line,
                        _("the parents of %(code)s go round in a circle") % {"code": row.code},
                    )
                )
                break
            seen.add(code)
            code = parent_of[code]
    return errors


def _others_agencies_changed(rows: list[_Row], committee_code: str) -> list[LineError]:
    """An agency that belongs to other committees and not to this one is theirs: this import
    may make it a member here, but not rename it or move it under another parent."""
    existing = {
        a.code: a
        for a in Agency.objects.filter(code__in=[r.code for r in rows]).prefetch_related(
            "memberships__committee"
        )
    }
    parent_codes = dict(
        Agency.objects.filter(code__in=existing, parent__isnull=False).values_list(
            "code", "parent__code"
        )
    )
    errors = []
    for row in rows:
        agency = existing.get(row.code)
        if agency is None:
            continue
        committees = {m.committee.code for m in agency.memberships.all()}
        if not committees or committee_code in committees:
            continue
        changes = (
            agency.name != row.name
            or agency.short_name != row.short_name
            or agency.kind != row.kind
            or parent_codes.get(row.code, "") != row.parent_code
        )
        if changes:
            errors.append(
                LineError(
                    row.line,
                    _(
                        "agency %(code)s belongs to another committee (%(committees)s): this "
                        "file may list it as it is, but not change its name, kind or parent"
                    )
                    % {"code": row.code, "committees": ", ".join(sorted(committees))},
                )
            )
    return errors


def import_agencies(
    source: str | Path | IO,
    committee_code: str,
    committee_name: str | None = None,
    committee_level: str = CommitteeLevel.PROVINCE,
    *,
    by: User | None = None,
) -> ImportResult:
    """Import (or update) agencies as members of a committee, all or nothing."""
    rows = parse_rows(_read_text(source))
    foreign = _others_agencies_changed(rows, committee_code)
    if foreign:
        raise ImportRejected(foreign)
    with transaction.atomic():
        committee, created = Committee.objects.get_or_create(
            code=committee_code,
            defaults={"name": committee_name or committee_code, "level": committee_level},
        )
        result = ImportResult(committee=committee, committee_created=created)
        if not created and committee_name and committee.name != committee_name:
            committee.name = committee_name
            committee.save(update_fields=["name"])
            result.committee_created = False
        existing = {a.code: a for a in Agency.objects.filter(code__in=[r.code for r in rows])}
        agencies: dict[str, Agency] = {}
        for row in rows:
            agency = existing.get(row.code)
            fields = {"name": row.name, "short_name": row.short_name, "kind": row.kind}
            if agency is None:
                agency = Agency.objects.create(code=row.code, **fields)
                result.created.append(row.code)
            elif any(getattr(agency, k) != v for k, v in fields.items()):
                for key, value in fields.items():
                    setattr(agency, key, value)
                agency.save()
                result.updated.append(row.code)
            else:
                result.unchanged.append(row.code)
            agencies[row.code] = agency
        parents = {
            a.code: a
            for a in Agency.objects.filter(code__in={r.parent_code for r in rows if r.parent_code})
        }
        for row in rows:
            agency = agencies[row.code]
            parent = parents.get(row.parent_code) if row.parent_code else None
            changed = agency.parent_id != (parent.pk if parent else None)
            if changed:
                agency.parent = parent
                agency.save(update_fields=["parent"])
            # Aliases are only added: a mapping someone confirmed in the breakdown is kept.
            have = set(agency.aliases.values_list("alias", flat=True))
            new_aliases = [a for a in row.aliases if a not in have]
            AgencyAlias.objects.bulk_create(
                [AgencyAlias(agency=agency, alias=a) for a in new_aliases]
            )
            _, joined = Membership.objects.get_or_create(committee=committee, agency=agency)
            if (changed or new_aliases or joined) and row.code in result.unchanged:
                result.unchanged.remove(row.code)
                result.updated.append(row.code)
        if result.changed:
            record_change(
                ChangeEventKind.AGENCIES_IMPORTED,
                actor=by,
                committee=committee,
                subject=committee.code,
                changes={"created": result.created, "updated": result.updated},
                detail=f"{len(result.created)} created, {len(result.updated)} updated, "
                f"{len(result.unchanged)} unchanged",
            )
    return result
