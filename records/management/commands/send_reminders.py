from django.core.management.base import BaseCommand
from django.utils import timezone

from records.problems.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Send today's reminders (run daily from cron): overdue problems to their department and "
        "the Organization & Personnel Department, deadlines due soon to the department, answers "
        "waiting for feedback to the cadre. Each reminder goes once per problem per day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be sent; send nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        sent = reminders_send(today=timezone.localdate(), dry_run=dry_run)
        for problem, kind, users, message in sent:
            names = "、".join(user.get_username() for user in users) or "—"
            self.stdout.write(f"{kind}\t#{problem.pk}\t{names}\t{message}")
        verb = "would send" if dry_run else "sent"
        self.stdout.write(self.style.SUCCESS(f"{len(sent)} reminders {verb}."))
