"""`python manage.py restore FILE --yes`: replace the whole database with a backup made by
`manage.py backup` (liaison.backups)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from liaison.backups import BackupError, restore_database


class Command(BaseCommand):
    help = (
        "Replace the WHOLE database with the backup FILE made by `manage.py backup`: "
        "everything written since that backup is lost. Stop the site first, take a backup "
        "of the current state, then run it with --yes; run `manage.py migrate` afterwards "
        "when the backup is older than the code."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup to restore")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="confirm that the current database is to be replaced by the backup",
        )

    def handle(self, *args, file, yes, **options):
        if not yes:
            raise CommandError(
                _(
                    "Restoring replaces the whole database with %(file)s; everything written "
                    "since that backup is lost. Run it again with --yes to go ahead."
                )
                % {"file": file}
            )
        try:
            restore_database(Path(file))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "The database is restored from %(file)s. Run `manage.py migrate` if the "
                    "backup is older than the code."
                )
                % {"file": file}
            )
        )
