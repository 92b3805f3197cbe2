"""`python manage.py import_org FILE [--dry-run] [--year N] [--user NAME]`: the Excel import of
the organization, as on the upload page (the same function, the same checks, the same
messages)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from unions.org_import.points import org_import


class Command(BaseCommand):
    help = (
        "Import departments, cadres, grassroots unions and contact points from the organization "
        "workbook (the template of the upload page: sheets 部室, 机关干部, 基层工会, 联系点). "
        "Every row is checked first; nothing is written unless all are valid. Existing rows are "
        "updated by department name, staff number and credit code."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx workbook")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and report what would change, writing nothing",
        )
        parser.add_argument(
            "--year",
            type=int,
            default=None,
            help="year of the contact points whose row gives none (default: this year)",
        )
        parser.add_argument(
            "--user",
            default=None,
            help="login name of the person importing: the contact points' history names them",
        )

    def handle(self, *args, file, dry_run, year, user, **options):
        year = year or timezone.localdate().year
        if user is not None:
            try:
                user = get_user_model().objects.get_by_natural_key(user)
            except get_user_model().DoesNotExist:
                raise CommandError(_("No user “%(name)s”.") % {"name": user}) from None
        try:
            stream = open(file, "rb")  # noqa: SIM115 — closed below
        except OSError as error:
            raise CommandError(
                _("Cannot open %(file)s: %(error)s") % {"file": file, "error": error}
            ) from error
        with stream:
            result = org_import(stream, user=user, year=year, dry_run=dry_run)
        if not result.ok:
            for issue in result.issues:
                self.stderr.write(str(issue))
            raise CommandError(
                _("Nothing was imported. Problems found: %(n)s.") % {"n": len(result.issues)}
            )
        for sheet, counts in result.sheets:
            self.stdout.write(
                _("%(sheet)s: %(created)s added, %(updated)s updated, %(unchanged)s unchanged")
                % {
                    "sheet": sheet,
                    "created": counts.created,
                    "updated": counts.updated,
                    "unchanged": counts.unchanged,
                }
            )
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS(_("Imported.")))
