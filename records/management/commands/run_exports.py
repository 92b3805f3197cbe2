"""`python manage.py run_exports`: build the waiting Excel exports (records.exports), oldest
first, until none is left. The web app starts it for each new export; cron may run it too, as a
safety net (it also deletes the exports older than EXPORT_KEEP_HOURS)."""

from django.core.management.base import BaseCommand

from records import exports


class Command(BaseCommand):
    help = "Build the waiting Excel exports (the record register), then delete expired ones."

    def handle(self, *args, **options):
        exports.fail_stale()
        built = exports.run_waiting()
        self.stdout.write(f"{built} export(s) built.")
