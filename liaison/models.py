from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from records.models import Problem
from records.terms.stored import SegmentedText, terms_field
from unions.models import YEAR_VALIDATORS, Cadre, GrassrootsUnion, LiaisonAssignment
from unions.roles import Role, cadre_of, has_role, sees_everything

QUARTER_CHOICES = [(1, _("Q1")), (2, _("Q2")), (3, _("Q3")), (4, _("Q4"))]


class QuarterlyMeeting(models.Model):
    """The quarterly work meeting (季度例会) that takes up the grassroots' problems."""

    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=QUARTER_CHOICES)
    date = models.DateField(_("meeting date"))
    attendees = models.ManyToManyField(
        Cadre, blank=True, related_name="meetings", verbose_name=_("attendees")
    )
    other_attendees = models.CharField(_("other attendees"), max_length=200, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    # 本季一题: the hot issue the meeting picked as the quarter's topic (a research topic with a
    # lead department and a deadline); the next meetings' agendas show its progress.
    topic = models.OneToOneField(
        "records.ResearchTopic",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting",
        verbose_name=_("topic of the quarter"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-year", "-quarter"]
        verbose_name = _("quarterly meeting")
        verbose_name_plural = _("quarterly meetings")
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="one_meeting_per_quarter"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="meeting_quarter_1_to_4"
            ),
        ]

    def __str__(self):
        return _("%(year)s Q%(quarter)s quarterly meeting") % {
            "year": self.year,
            "quarter": self.quarter,
        }


# --- Workers' opinions left on a union's public page (the QR code of its notice board) -------

OPINION_TEXT_MAX_LENGTH = 1000
OPINION_NAME_MAX_LENGTH = 50
OPINION_PHONE_MAX_LENGTH = 30


class OpinionQuerySet(models.QuerySet):
    def visible_to(self, user, year: int):
        """The opinions `user` may read: those of the unions they contact in `year` (a current
        contact point), or all of them for the organization department and administrators."""
        if sees_everything(user):
            return self
        cadre = cadre_of(user)
        if cadre is None or not has_role(user, Role.CADRE):
            return self.none()
        return self.filter(union__in=self.contact_units(cadre, year))

    def takeable_by(self, user, year: int):
        """The opinions `user` may turn into a problem: only those of their own contact units."""
        cadre = cadre_of(user)
        if cadre is None or not has_role(user, Role.CADRE):
            return self.none()
        return self.filter(union__in=self.contact_units(cadre, year))

    @staticmethod
    def contact_units(cadre, year: int):
        return (
            LiaisonAssignment.objects.for_year(year).current().filter(cadre=cadre).values("union")
        )

    def new(self):
        return self.filter(status=Opinion.Status.NEW)

    def unanswered(self):
        return self.filter(status__in=[Opinion.Status.NEW, Opinion.Status.TAKEN_UP])


class Opinion(SegmentedText, models.Model):
    """A need or opinion a worker left on their union's public page (no login).

    Personal data is optional (name, phone) and is shown only to the union's contact cadres and
    the organization department. The sender's address is kept only as a keyed hash, for the rate
    limit: the same address gives the same hash, and the address cannot be read back from it.
    """

    class Status(models.TextChoices):
        NEW = "new", pgettext_lazy("opinion status", "New")
        TAKEN_UP = "taken_up", pgettext_lazy("opinion status", "Taken up")
        ANSWERED = "answered", pgettext_lazy("opinion status", "Answered")
        CLOSED = "closed", pgettext_lazy("opinion status", "Closed")

    union = models.ForeignKey(
        GrassrootsUnion,
        on_delete=models.PROTECT,
        related_name="opinions",
        verbose_name=_("grassroots union"),
    )
    text = models.TextField(
        _("need or opinion"), validators=[MaxLengthValidator(OPINION_TEXT_MAX_LENGTH)]
    )
    name = models.CharField(
        pgettext_lazy("person", "name"), max_length=OPINION_NAME_MAX_LENGTH, blank=True
    )
    phone = models.CharField(_("phone"), max_length=OPINION_PHONE_MAX_LENGTH, blank=True)
    category = models.CharField(
        _("category"),
        max_length=20,
        choices=Problem.Category.choices,
        default=Problem.Category.OTHER,
    )
    created_at = models.DateTimeField(_("left at"), default=timezone.now, db_index=True)
    address_hash = models.CharField(_("address hash"), max_length=64, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    problem = models.ForeignKey(
        Problem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opinions",
        verbose_name=_("problem"),
    )
    taken_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken up by"),
    )
    taken_up_at = models.DateTimeField(_("taken up at"), null=True, blank=True)
    # The worker's receipt (liaison/boards/receipts.py): only a keyed hash of its code, so the
    # database never holds the code itself. Empty for opinions left before receipts existed.
    receipt_hash = models.CharField(
        _("receipt hash"), max_length=64, null=True, blank=True, unique=True, editable=False
    )
    # The answer the worker reads with the receipt (no one's name is shown with it).
    answer = models.TextField(
        _("answer to the worker"), blank=True, validators=[MaxLengthValidator(2000)]
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    rating = models.CharField(
        _("worker's rating"), max_length=12, choices=Problem.Satisfaction.choices, blank=True
    )
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    # The hot terms and the search (records.terms): the words of `text`, filled on save.
    terms = terms_field()
    TERMS_SOURCE = "text"
    TERMS_DATE = "created_at"

    history = HistoricalRecords(
        verbose_name=_("historical worker's opinion"), excluded_fields=["terms"]
    )
    objects = OpinionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("worker's opinion")
        verbose_name_plural = _("workers' opinions")
        indexes = [
            # The rate limit counts one address's recent opinions.
            models.Index(fields=["address_hash", "created_at"]),
            models.Index(fields=["union", "status", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="taken_up") | Q(taken_up_at__isnull=False),
                name="opinion_taken_up_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["answered", "closed"])
                | (Q(answered_at__isnull=False) & ~Q(answer="")),
                name="opinion_answered_has_answer",
            ),
            models.CheckConstraint(
                condition=Q(rating="") | Q(status="closed", rated_at__isnull=False),
                name="opinion_rated_is_closed",
            ),
        ]

    def __str__(self):
        return self.text[:40]


class OpinionReminderLog(models.Model):
    """A reminder sent for an unanswered opinion on a day (liaison/boards/reminders.py): the
    unique key sends it once per opinion per day, as records.ReminderLog does for problems."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        verbose_name = _("opinion reminder sent")
        verbose_name_plural = _("opinion reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["opinion", "day"], name="one_opinion_reminder_a_day")
        ]

    def __str__(self):
        return f"{self.day} #{self.opinion_id}"


class MeetingDecision(models.Model):
    """What a quarterly meeting decided for one problem on its agenda. The decision is carried
    out through the problem loop's services, so the problem's timeline shows it too."""

    class Kind(models.TextChoices):
        REASSIGN = "reassign", _("Transfer to another department")
        NEW_DEADLINE = "new_deadline", _("Set a new deadline")
        CLOSE = "close", _("Close with a reason")
        URGE = "urge", _("Urge the department")

    meeting = models.ForeignKey(
        QuarterlyMeeting,
        on_delete=models.CASCADE,
        related_name="decisions",
        verbose_name=_("quarterly meeting"),
    )
    problem = models.ForeignKey(
        "records.Problem",
        on_delete=models.PROTECT,
        related_name="meeting_decisions",
        verbose_name=_("problem"),
    )
    kind = models.CharField(_("decision"), max_length=20, choices=Kind.choices)
    department = models.ForeignKey(
        "unions.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    decided_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "pk"]
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")

    def __str__(self):
        return f"{self.meeting}: {self.get_kind_display()} #{self.problem_id}"


class QuarterSnapshot(models.Model):
    """A quarter's compliance figures as the organization department froze them after the
    quarter ended (`liaison.compliance.quarter_freeze`). The dashboard shows a frozen quarter
    from here, so records filed or returned later do not change what was reported.

    `rows` holds one `liaison.compliance.CadreRow` per cadre (Decimals as strings); `streets`
    the per-street coverage of the quarter."""

    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=QUARTER_CHOICES)
    as_of = models.DateField(_("figures as of"))
    timely_days = models.PositiveSmallIntegerField(_("days allowed for timely filing"))
    rows = models.JSONField(_("cadre figures"), default=list)
    streets = models.JSONField(_("street coverage"), default=list)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("frozen by"),
    )
    frozen_at = models.DateTimeField(_("frozen at"), default=timezone.now)

    class Meta:
        ordering = ["-year", "-quarter"]
        verbose_name = _("quarter snapshot")
        verbose_name_plural = _("quarter snapshots")
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="one_snapshot_per_quarter"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="snapshot_quarter_1_to_4"
            ),
        ]

    def __str__(self):
        return _("%(year)s Q%(quarter)s compliance snapshot") % {
            "year": self.year,
            "quarter": self.quarter,
        }


class WorkerHeartbeat(models.Model):
    """The task worker's last sign of life, one row (liaison/health): the health check enqueues
    the `heartbeat` task when none is waiting, and the worker running it writes `beat_at`. In
    the database rather than the cache: a full cache may drop a key, and restoring a backup
    clears it."""

    enqueued_at = models.DateTimeField(_("heartbeat enqueued at"), null=True, blank=True)
    beat_at = models.DateTimeField(_("last heartbeat at"), null=True, blank=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return str(self.beat_at)


class AuditEvent(models.Model):
    """A login, a failed login or a refused request, for the audit trail (liaison/audit/).
    Written by liaison.security beside its log line; changes to rows are in their history."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("logged in")
        LOGIN_FAILED = "login_failed", _("login failed")
        REFUSED = "refused", _("access refused")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=12, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("login"),
    )
    # As typed for a failed login; the login name otherwise (kept if the user goes).
    username = models.CharField(_("login name"), max_length=150, blank=True)
    method = models.CharField(_("method"), max_length=10, blank=True)
    path = models.CharField(_("address"), max_length=300, blank=True)
    status = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    client = models.CharField(_("client address"), max_length=45, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        return f"{self.get_kind_display()} {self.username}"
