from django.core.management.base import BaseCommand
from django.utils import timezone

from records.models import Problem
from records.problems.reminders import reminders_send, send_todays_reminders


class Command(BaseCommand):
    help = (
        "Send today's reminders (daily, from the timer in deploy/): overdue problems to their "
        "department and the Organization & Personnel Department, deadlines due soon to the "
        "department, answers waiting for feedback to the cadre, workers' opinions unanswered for "
        "OPINION_ANSWER_DAYS working days to the union's contact cadres. Each reminder goes once "
        "per item per day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be sent; send nothing."
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand today's reminders to the tasks worker (the daily timer) instead of "
            "sending them here.",
        )

    def handle(self, *args, dry_run=False, enqueue=False, **options):
        if enqueue:
            result = send_todays_reminders.enqueue()
            self.stdout.write(self.style.SUCCESS(f"Today's reminders queued (task {result.id})."))
            return
        sent = reminders_send(today=timezone.localdate(), dry_run=dry_run)
        for item, kind, users, message in sent:
            names = "、".join(user.get_username() for user in users) or "—"
            # A problem is "#12"; another kind of item (a worker's opinion) says what it is.
            label = (
                f"#{item.pk}" if isinstance(item, Problem) else f"{item._meta.model_name}#{item.pk}"
            )
            self.stdout.write(f"{kind}\t{label}\t{names}\t{message}")
        verb = "would send" if dry_run else "sent"
        self.stdout.write(self.style.SUCCESS(f"{len(sent)} reminders {verb}."))
