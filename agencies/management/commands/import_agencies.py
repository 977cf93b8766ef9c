from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from agencies.importing import ImportRejected, import_agencies
from agencies.models import CommitteeLevel


class Command(BaseCommand):
    help = "Import a committee's member agencies from a CSV file (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV: code,name,short_name,aliases,kind,parent_code")
        parser.add_argument("--committee", required=True, help="committee code (created if new)")
        parser.add_argument("--committee-name", help="the committee's name, when it is new")
        parser.add_argument(
            "--committee-level", choices=CommitteeLevel.values, default=CommitteeLevel.PROVINCE
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = import_agencies(
                options["file"],
                options["committee"],
                options.get("committee_name"),
                options["committee_level"],
            )
        except FileNotFoundError as exc:
            raise CommandError(_("No such file: %(file)s") % {"file": options["file"]}) from exc
        except IsADirectoryError as exc:
            raise CommandError(_("Not a file: %(file)s") % {"file": options["file"]}) from exc
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("The file was rejected (%(count)s error(s)); nothing was changed.")
                % {"count": len(exc.errors)}
            ) from exc
        self.stdout.write(
            _("%(committee)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % {
                "committee": result.committee.code,
                "created": len(result.created),
                "updated": len(result.updated),
                "unchanged": len(result.unchanged),
            }
        )
