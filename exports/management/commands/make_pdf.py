"""Generate a document from the command line, from the same queries as the screens.

    python manage.py make_pdf appendix|overdue|scorecard|urging|consolidated --committee CODE
        [--directive NUMBER [--year YYYY]] [--agency CODE] [--from DATE --to DATE] --out FILE.pdf

Dates are dd/mm/yyyy (or yyyy-mm-dd). The command is an operator's: it sees the whole committee.
An urging letter is a preview (no number); issuing one is the standing office's action on the
web.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from agencies.models import Committee
from chasing.urging import preview_urging_letter
from exports.pdf.appendix import build_appendix
from exports.pdf.consolidated import build_consolidated
from exports.pdf.overdue import build_overdue_audit
from exports.pdf.queries import parse_filters
from exports.pdf.scorecard import build_scorecard
from project.errors import ActionError

KINDS = ("appendix", "overdue", "scorecard", "urging", "consolidated")


class Command(BaseCommand):
    help = _(
        "Generate a PDF: a directive's task appendix, the overdue audit, an agency's "
        "scorecard, an urging letter (preview) or the consolidated periodic report."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("--committee", required=True, help=_("committee code"))
        parser.add_argument("--directive", default="", help=_("number, e.g. 381/TB-VPCP"))
        parser.add_argument("--year", default="", help=_("the directive's year, if ambiguous"))
        parser.add_argument("--agency", default="", help=_("agency code"))
        parser.add_argument("--from", dest="date_from", default="", help="dd/mm/yyyy")
        parser.add_argument("--to", dest="date_to", default="", help="dd/mm/yyyy")
        parser.add_argument("--out", required=True, help=_("the PDF file to write"))

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        committee = Committee.objects.filter(code=options["committee"]).first()
        if committee is None:
            raise CommandError(_("No committee has the code “%s”.") % options["committee"])
        params = {
            "directive": options["directive"],
            "year": options["year"],
            "agency": options["agency"],
            "from": options["date_from"],
            "to": options["date_to"],
        }
        try:
            filters = parse_filters(committee, params)
            if kind == "appendix":
                if filters.directive is None:
                    raise CommandError(_("The appendix needs --directive NUMBER."))
                data = build_appendix(filters)
            elif kind == "overdue":
                data = build_overdue_audit(filters)
            elif kind == "scorecard":
                if filters.agency is None:
                    raise CommandError(_("The scorecard needs --agency CODE."))
                data = build_scorecard(filters)
            elif kind == "urging":
                if filters.agency is None:
                    raise CommandError(_("The urging letter needs --agency CODE."))
                data = preview_urging_letter(committee, filters.agency, by=None, now=filters.now)
            else:
                data = build_consolidated(filters)
        except ActionError as exc:
            raise CommandError(str(exc.message)) from exc
        out = Path(options["out"])
        try:
            out.write_bytes(data)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s")
                % {
                    "file": out,
                    "error": exc.strerror,
                }
            ) from exc
        self.stdout.write(_("Wrote %(file)s (%(size)s bytes).") % {"file": out, "size": len(data)})
