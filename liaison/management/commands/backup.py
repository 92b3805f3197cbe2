"""`python manage.py backup FILE`: a backup of the whole database (liaison.backups)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from liaison.backups import BackupError, backup_database


class Command(BaseCommand):
    help = (
        "Write a backup of the whole database to FILE, history included: on SQLite a copy made "
        "with SQLite's online backup API (safe while the site runs; the copy is itself an "
        "SQLite database), on PostgreSQL a pg_dump archive (custom format). Restore it with "
        "`manage.py restore FILE --yes`. Uploaded files (MEDIA_ROOT) are not in it: copy "
        "that folder too."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write the backup (replaced if it exists)")

    def handle(self, *args, file, **options):
        try:
            backup_database(Path(file))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(_("Backup written to %(file)s.") % {"file": file}))
