"""manage.py segment_texts: fill the stored terms (hot terms, search) of existing rows."""

from django.core.management.base import BaseCommand

from records.terms import services
from records.terms.tasks import segment_texts


class Command(BaseCommand):
    help = (
        "Segment the workers' texts (record sheets' needs and opinions, problem descriptions, "
        "public opinions) whose stored terms are empty, in batches; with --all every row again "
        "(after the domain dictionary or the stop words changed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Every row, not only empty ones.")
        parser.add_argument("--batch-size", type=int, default=services.BATCH)
        parser.add_argument(
            "--enqueue", action="store_true", help="Leave it to the tasks worker (db_worker)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say how many rows would be segmented."
        )

    def handle(self, *args, **options):
        if options["dry_run"]:
            for model in services.searchable_models():
                rows = services.rows_to_segment(model, everything=options["all"])
                self.stdout.write(f"{model._meta.label}: {rows.count()} to segment")
            return
        if options["enqueue"]:
            result = segment_texts.enqueue(everything=options["all"])
            self.stdout.write(f"Queued for the tasks worker: {result.id}")
            return
        written = services.terms_backfill(
            everything=options["all"], batch_size=options["batch_size"]
        )
        for label, count in written.items():
            self.stdout.write(f"{label}: {count} segmented")
