"""`python manage.py seed_demo`: a district federation's year of contact work, for demos and
development.

Everything is generated from one `random.Random` per step, seeded from `--seed`, so the same
seed on the same day gives the same database. Every object has a natural key (department name,
staff number, credit code, username), so running the command again adds nothing; a year whose
assignments or record sheets already exist is skipped as a whole.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from liaison.demo.data import (
    DEMO_PASSWORD,
    DEMO_URL,
    MAX_CADRES,
    MAX_UNIONS,
    MIN_CADRES,
    MIN_UNIONS,
    Summary,
    display_width,
    pad,
)
from liaison.demo.seeder import Seeder


class Command(BaseCommand):
    help = (
        "生成演示数据：区总工会机关各部室、机关干部、基层工会、联系点、工作记录单、问题及其办理过程、"
        "季度例会，以及每个角色一个演示账号（密码 liaison-demo）。可重复运行，不会重复生成。"
        "只在 DEBUG 开启时运行（否则需 --force）。"
        " / Seed a demo database: departments, cadres, grassroots unions, contact points, "
        "a year of record sheets and problems, quarterly meetings, and one demo login per role. "
        "Idempotent; refuses to run with DEBUG off unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cadres", type=int, default=40, help="机关干部人数（默认 40）")
        parser.add_argument("--unions", type=int, default=120, help="基层工会数（默认 120）")
        parser.add_argument(
            "--years",
            type=int,
            default=1,
            help="生成几年的数据：1 = 今年，2 = 去年和今年（默认 1）",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="随机数种子，相同种子生成相同数据（默认 2026）"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="DEBUG 关闭时也运行（演示账号不得出现在生产环境，慎用）",
        )
        parser.add_argument("--dry-run", action="store_true", help="生成后回滚，只报告会生成什么")

    def handle(self, *args, cadres, unions, years, seed, force, dry_run, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo 只用于开发和演示环境：DEBUG 未开启，拒绝运行（演示账号绝不能出现在"
                "生产环境）。确需运行请加 --force。\n"
                "seed_demo is for development and demos only: DEBUG is off, so it refuses to run "
                "(demo logins must never reach production). Pass --force if you really mean it."
            )
        if not MIN_CADRES <= cadres <= MAX_CADRES:
            raise CommandError(
                f"--cadres 须在 {MIN_CADRES}–{MAX_CADRES} 之间 / "
                f"--cadres must be {MIN_CADRES} to {MAX_CADRES}."
            )
        if not MIN_UNIONS <= unions <= MAX_UNIONS:
            raise CommandError(
                f"--unions 须在 {MIN_UNIONS}–{MAX_UNIONS} 之间 / "
                f"--unions must be {MIN_UNIONS} to {MAX_UNIONS}."
            )
        # The programme's data starts in 2016 (the models refuse earlier years).
        max_years = timezone.localdate().year - 2015
        if not 1 <= years <= max_years:
            raise CommandError(
                f"--years 须在 1–{max_years} 之间 / --years must be 1 to {max_years}."
            )

        with transaction.atomic():
            seeder = Seeder(
                cadres=cadres, unions=unions, years=years, seed=seed, say=self.stdout.write
            )
            summary = seeder.run()
            if dry_run:
                transaction.set_rollback(True)
        self.report(summary, seed=seed, years=seeder.years, dry_run=dry_run)

    def report(self, summary: Summary, *, seed: int, years: list[int], dry_run: bool):
        created = summary.created
        labels = [
            ("departments", "部室"),
            ("cadres", "机关干部"),
            ("unions", "基层工会"),
            ("assignments", "联系点"),
            ("records", "工作记录单"),
            ("problems", "问题"),
            ("events", "问题办理过程"),
            ("meetings", "季度例会"),
        ]
        counts = " · ".join(f"{label} {created[key]:,}" for key, label in labels)
        year_text = "、".join(str(year) for year in years)
        self.stdout.write(f"\n种子 {seed}，年份 {year_text}。本次新建：{counts}")
        if dry_run:
            self.stdout.write(self.style.WARNING("--dry-run：已回滚，数据库未改动。"))
            return
        if not sum(created.values()):
            self.stdout.write(self.style.SUCCESS("演示数据此前已生成，本次没有新建任何数据。"))
        else:
            self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
        self.stdout.write(f"\n打开 {DEMO_URL} ，用以下账号登录（密码均为 {DEMO_PASSWORD}）：\n")
        header = ("用户名", "角色", "说明")
        rows = [header] + [(username, role, note) for username, role, note, _ in summary.logins]
        widths = [max(display_width(row[i]) for row in rows) + 2 for i in range(3)]
        for i, (username, role, note) in enumerate(rows):
            self.stdout.write(f"  {pad(username, widths[0])}{pad(role, widths[1])}{note}")
            if i == 0:
                self.stdout.write("  " + "-" * sum(widths))
        if any(existed for *_, existed in summary.logins):
            self.stdout.write("（已存在的账号未改动密码。）")
