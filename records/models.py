import uuid
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from records.terms.stored import SegmentedText, terms_field
from records.validators import validate_half_days
from unions.models import Cadre, Department, GrassrootsUnion
from unions.roles import cadre_of, headed_department, sees_everything


class ContactForm(models.TextChoices):
    """The "4" forms of contact (联系形式) of the 443 system."""

    ON_SITE = "on_site", _("On-site visit and research")
    FACE_TO_FACE = "face_to_face", _("Face-to-face talks with union cadres and workers")
    DISCUSSION = "discussion", _("Joint discussion to move union work forward")
    REMOTE = "remote", _("Phone, WeChat and other quick means")


class ContentArea(models.TextChoices):
    """The "4" content areas (主要内容); a record may cover several."""

    NEEDS = "needs", _("Understand workers' needs")
    POLICY = "policy", _("Policy research and publicity")
    PROBLEMS = "problems", _("Negotiate and solve problems")
    SELF = "self", _("Strengthen our own work")


# Each content area is one boolean column, so counting records per area is a plain aggregate
# on every database (a JSON or array column could not be filtered the same way on SQLite).
CONTENT_AREA_FIELDS = {
    ContentArea.NEEDS: "area_needs",
    ContentArea.POLICY: "area_policy",
    ContentArea.PROBLEMS: "area_problems",
    ContentArea.SELF: "area_self",
}

INTEGRITY_CHOICES = [
    (False, pgettext_lazy("integrity", "Declined")),
    (True, pgettext_lazy("integrity", "Accepted")),
]
INTEGRITY_FIELDS = ("transport_accepted", "gifts_accepted", "banquet_accepted")

# Texts a cadre writes again and again: the sheet offers them back from their own last sheets.
REPEATED_TEXTS = ("people_met", "policies_publicised")


# A sheet on which the cadre accepted transport, a gift or a banquet (flagged for the
# organization department).
INTEGRITY_EXCEPTION = Q(transport_accepted=True) | Q(gifts_accepted=True) | Q(banquet_accepted=True)


class VisitRecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The records `user` may read: a cadre their own, a department head their department's,
        the organization department and administrators all of them. Someone else's draft is
        unfinished work: others see a sheet once it has been filed (or returned)."""
        cadre = cadre_of(user)
        own = Q(cadre=cadre) if cadre is not None else Q(pk__in=[])
        submitted = ~Q(status=VisitRecord.Status.DRAFT)
        if sees_everything(user):
            return self.filter(own | submitted)
        scope = own
        department = headed_department(user)
        if department is not None:
            scope |= Q(cadre__department=department) & submitted
        return self.filter(scope)

    def filed(self):
        return self.filter(status=VisitRecord.Status.FILED)

    def for_year(self, year: int):
        return self.filter(start_date__year=year)

    def integrity_exceptions(self):
        return self.filter(INTEGRITY_EXCEPTION)


class VisitRecord(SegmentedText, models.Model):
    """A work record sheet (工作记录单): one contact of a cadre with a grassroots union."""

    # The workers' own words on the sheet: the hot terms and the search (records.terms).
    TERMS_SOURCE = "needs_and_opinions"
    TERMS_DATE = "start_date"

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FILED = "filed", _("Filed")
        RETURNED = "returned", _("Returned for revision")

    cadre = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="records", verbose_name=_("cadre")
    )
    union = models.ForeignKey(
        GrassrootsUnion,
        on_delete=models.PROTECT,
        related_name="records",
        verbose_name=_("grassroots union"),
    )
    # Dates may be empty on a draft (a sheet prepared before the contact); filing needs them.
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    # Empty on a draft whose days nobody has given yet (the sheet proposes them from the
    # dates); filing needs them.
    days = models.DecimalField(
        _("working days"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), validate_half_days],
        help_text=_("In half-day steps; a phone or WeChat contact may count 0."),
    )
    contact_form = models.CharField(
        _("form of contact"), max_length=16, choices=ContactForm.choices, blank=True
    )
    area_needs = models.BooleanField(ContentArea.NEEDS.label, default=False)
    area_policy = models.BooleanField(ContentArea.POLICY.label, default=False)
    area_problems = models.BooleanField(ContentArea.PROBLEMS.label, default=False)
    area_self = models.BooleanField(ContentArea.SELF.label, default=False)
    questions_prepared = models.TextField(_("questions prepared"), blank=True)
    people_met = models.TextField(_("people met"), blank=True)
    workers_met = models.PositiveIntegerField(_("number of workers met"), default=0)
    needs_and_opinions = models.TextField(_("workers' needs and opinions"), blank=True)
    policies_publicised = models.TextField(_("policies publicised"), blank=True)
    actions_on_spot = models.TextField(_("what was done on the spot"), blank=True)
    # Unanswered (None) on a draft; filing requires an answer (records.services).
    transport_accepted = models.BooleanField(
        _("transport from the grassroots"), null=True, blank=True, choices=INTEGRITY_CHOICES
    )
    gifts_accepted = models.BooleanField(
        _("gifts from the grassroots"), null=True, blank=True, choices=INTEGRITY_CHOICES
    )
    banquet_accepted = models.BooleanField(
        _("banquets from the grassroots"), null=True, blank=True, choices=INTEGRITY_CHOICES
    )
    integrity_explanation = models.TextField(_("explanation of the exception"), blank=True)
    topic = models.ForeignKey(
        "records.ResearchTopic",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
        verbose_name=_("research topic"),
    )
    outside_assignment = models.BooleanField(
        _("not an assigned unit"),
        default=False,
        help_text=_("The union was not one of the cadre's contact units that year."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Optimistic locking: raised by one on every save through the services, which refuse a
    # save from a page that showed an older version (records.versions.claim_version).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    terms = terms_field()

    history = HistoricalRecords(
        verbose_name=_("historical work record sheet"), excluded_fields=["terms"]
    )
    objects = VisitRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("work record sheet")
        verbose_name_plural = _("work record sheets")
        constraints = [
            models.CheckConstraint(condition=Q(days__gte=0), name="record_days_not_negative"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="record_end_not_before_start"
            ),
        ]
        indexes = [
            models.Index(fields=["cadre", "status", "start_date"]),
            models.Index(fields=["union", "start_date"]),
            models.Index(fields=["status", "start_date"]),
            # A cadre's days filed in a period, summed from the index alone (home, compliance
            # dashboard, assessment) without reading the sheets' rows. Beside the one above, not
            # instead of it: a cadre's sheets by date (ordered by date, then id) still need that
            # one — without it SQLite reads every filed sheet by date to check a new sheet's
            # days (BENCHMARKS.md).
            models.Index(fields=["cadre", "status", "start_date", "days"]),
            # The record list's order (newest first): its first page is read from the index
            # instead of sorting every visible sheet (BENCHMARKS.md: 50 ms → under 1 ms on
            # SQLite, a parallel seq scan → an index scan on PostgreSQL, at 100,000 sheets).
            # With the status and the union after them: the workers' demands analysis counts
            # eight quarters of problems by their sheet's quarter and street from the index
            # alone, not from the sheets' wide rows (BENCHMARKS.md).
            models.Index(fields=["start_date", "id", "status", "union"]),
            # The analysis's needs: eight quarters of filed sheets with workers' needs, by
            # quarter and street, from this index alone (its condition is the one
            # records.counts.with_needs and the filed sheets write).
            models.Index(
                fields=["start_date", "union", "id"],
                condition=Q(status="filed") & ~Q(needs_and_opinions=""),
                name="record_filed_needs_by_date",
            ),
        ]

    def __str__(self):
        when = f"{self.start_date:%Y-%m-%d}" if self.start_date else "—"
        return f"{when} {self.union} · {self.cadre}"

    @property
    def is_editable(self) -> bool:
        """A filed sheet is read-only to its cadre until it is returned."""
        return self.status != self.Status.FILED

    @property
    def content_areas(self) -> list[ContentArea]:
        return [area for area, field in CONTENT_AREA_FIELDS.items() if getattr(self, field)]

    @property
    def has_integrity_exception(self) -> bool:
        return any(getattr(self, field) for field in INTEGRITY_FIELDS)


def attachment_path(attachment, filename: str) -> str:
    # Never the uploader's file name on disk: a random name in a dated folder.
    suffix = Path(filename).suffix.lower()[:10]
    return f"attachments/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class AttachmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Attachments of records `user` may read, and the user's own not yet attached."""
        return self.filter(
            Q(record__in=VisitRecord.objects.visible_to(user))
            | Q(record__isnull=True, uploaded_by=user if user.is_authenticated else None)
        )


class Attachment(models.Model):
    """A photo or scanned sign-in sheet of a contact. Uploaded files wait without a record
    (pending) until the sheet they were chosen on is saved, so a form error loses none."""

    record = models.ForeignKey(
        VisitRecord,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("work record sheet"),
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ProblemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The problems `user` may read: a cadre those they raised or that were sent to them as
        the leader; a department head their department's and those transferred to it; the
        organization department and administrators all of them."""
        if sees_everything(user):
            return self
        scope = Q(pk__in=[])
        cadre = cadre_of(user)
        if cadre is not None:
            scope |= Q(record__cadre=cadre) | Q(leader=cadre)
        department = headed_department(user)
        if department is not None:
            scope |= Q(record__cadre__department=department) | Q(department=department)
        return self.filter(scope)

    def open(self):
        return self.exclude(status=Problem.Status.CLOSED)


class Problem(SegmentedText, models.Model):
    """A problem raised on a record sheet: solved on the spot, or transferred for an answer
    that goes back to the grassroots."""

    TERMS_SOURCE = "description"
    # In the quarter of the contact it was raised on, as the ledger's filters count it.
    TERMS_DATE = "record__start_date"

    class Category(models.TextChoices):
        LABOUR_RELATIONS = "labour_relations", _("Labour relations")
        WAGES = "wages", _("Wages and benefits")
        SAFETY = "safety", _("Occupational safety")
        WELFARE = "welfare", _("Workers' welfare and daily life")
        UNION_BUILDING = "union_building", _("Union organization building")
        POLICY = "policy", _("Policy enquiry")
        OTHER = "other", _("Other")

    class Resolution(models.TextChoices):
        ON_SPOT = "on_spot", _("Solved on the spot")
        TRANSFER = "transfer", _("Needs transfer")

    class Status(models.TextChoices):
        RAISED = "raised", _("Raised")
        TRANSFERRED = "transferred", _("Transferred")
        ACCEPTED = "accepted", pgettext_lazy("problem status", "Accepted")
        ANSWERED = "answered", _("Answered")
        FED_BACK = "fed_back", _("Fed back")
        CLOSED = "closed", _("Closed")

    class FeedbackMethod(models.TextChoices):
        VISIT = "visit", _("Visit")
        PHONE = "phone", _("Phone")
        MEETING = "meeting", _("Meeting")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")

    record = models.ForeignKey(
        "records.VisitRecord",
        on_delete=models.CASCADE,
        related_name="problems",
        verbose_name=_("work record sheet"),
    )
    description = models.TextField(_("description"))
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.OTHER
    )
    resolution = models.CharField(
        _("handling"), max_length=10, choices=Resolution.choices, default=Resolution.ON_SPOT
    )
    action_on_spot = models.TextField(_("what was done on the spot"), blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name=_("transferred to department"),
    )
    leader = models.ForeignKey(
        Cadre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems_to_answer",
        verbose_name=_("transferred to leader"),
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    feedback_on = models.DateField(_("feedback date"), null=True, blank=True)
    feedback_method = models.CharField(
        _("feedback method"), max_length=10, choices=FeedbackMethod.choices, blank=True
    )
    feedback_by = models.ForeignKey(
        Cadre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("feedback given by"),
    )
    topic = models.ForeignKey(
        "records.ResearchTopic",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name=_("research topic"),
        help_text=_("Followed with a topic of the quarter (本季一题)."),
    )
    satisfaction = models.CharField(
        _("grassroots' satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RAISED, db_index=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Optimistic locking, as on VisitRecord: every step of the loop raises it by one.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    terms = terms_field()

    history = HistoricalRecords(verbose_name=_("historical problem"), excluded_fields=["terms"])
    objects = ProblemQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        constraints = [
            # A problem that is with a department (or answered by one) names that department.
            models.CheckConstraint(
                condition=~Q(status__in=["transferred", "accepted", "answered"])
                | Q(department__isnull=False),
                name="problem_in_transfer_has_department",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status", "deadline"]),
            models.Index(fields=["status", "deadline"]),
            # A record's open or overdue problems (the compliance dashboard counts them per
            # cadre through the records). Without it SQLite's planner takes (status, deadline)
            # and scans every overdue problem once per record (BENCHMARKS.md).
            models.Index(fields=["record", "status", "deadline"]),
            # The ledger's second part, in its order: the closed problems of one resolution
            # (the ledger's transferred ones by default) by deadline, newest first on a tie
            # (records.problems.views.in_turn); and their count, read from the index alone.
            models.Index(
                fields=["resolution", "status", "deadline", "-id"],
                name="problem_closed_by_deadline",
            ),
        ]

    def __str__(self):
        return self.description[:40]


class ResearchTopicQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The topics `user` may open: every topic for the organization department and
        administrators; for a cadre those that involve their department (as one of its
        departments or as the lead) and those open to every department (none named)."""
        if sees_everything(user):
            return self
        cadre = cadre_of(user)
        if cadre is None:
            return self.none()
        involving = ResearchTopic.departments.through.objects.filter(
            researchtopic=models.OuterRef("pk")
        )
        return self.filter(
            Q(departments=cadre.department_id)
            | Q(lead_department=cadre.department_id)
            | ~models.Exists(involving)
        ).distinct()

    def open_on(self, day):
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class ResearchTopic(models.Model):
    """A research topic (调研课题): a question the organization department opens for a period;
    cadres tag the sheets of their contacts with it, and its page gathers their needs, problems
    and outcomes. A quarterly meeting's hot issue (本季一题) is one too, with a lead department,
    a deadline and its problems followed as one."""

    class Kind(models.TextChoices):
        RESEARCH = "research", _("Research topic")
        QUARTER = "quarter", _("Topic of the quarter")

    title = models.CharField(_("topic title"), max_length=100)
    question = models.TextField(_("question"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    departments = models.ManyToManyField(
        Department,
        blank=True,
        related_name="research_topics",
        verbose_name=_("departments involved"),
        help_text=_("None: every department."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.RESEARCH)
    # A topic of the quarter: the hot issue the meeting picked, who leads it and by when.
    category = models.CharField(
        _("category"), max_length=20, choices=Problem.Category.choices, blank=True
    )
    lead_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead department"),
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    objects = ResearchTopicQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("research topic")
        verbose_name_plural = _("research topics")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="topic_ends_after_it_starts"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def problems_q(self) -> Q:
        return topic_problems_q(self.pk)


def topic_problems_q(topic_id, prefix: str = "") -> Q:
    """The problems of a topic, as a filter on Problem: those attached to it (a topic of the
    quarter takes its hot issue's problems) and those raised on a sheet tagged with it. A
    problem attached to one topic belongs to that one only, so each counts once."""
    return Q(**{f"{prefix}topic": topic_id}) | Q(
        **{f"{prefix}topic__isnull": True, f"{prefix}record__topic": topic_id}
    )


class ProblemEvent(models.Model):
    """One step in a problem's timeline: who did what, when, from which status to which."""

    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="events", verbose_name=_("problem")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(
        pgettext_lazy("status change", "from"),
        max_length=12,
        choices=Problem.Status.choices,
        blank=True,
    )
    to_status = models.CharField(
        pgettext_lazy("status change", "to"), max_length=12, choices=Problem.Status.choices
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("problem event")
        verbose_name_plural = _("problem events")

    ACTION_LABELS = {
        "raise": _("Raised"),
        "solve_on_spot": _("Solved on the spot"),
        "transfer": pgettext_lazy("step", "Transferred"),
        "retransfer": _("Transferred to another department"),
        "accept": pgettext_lazy("step", "Accepted"),
        "answer": pgettext_lazy("step", "Answered"),
        "hand_back": _("Handed back"),
        "feedback": _("Fed back to the grassroots"),
        "reopen": _("Reopened"),
        "urge": _("Urged"),
        "set_deadline": _("Deadline changed"),
        "close": pgettext_lazy("step", "Closed"),
    }

    def __str__(self):
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.action_label}"

    @property
    def action_label(self) -> str:
        return str(self.ACTION_LABELS.get(self.action, self.action))


class CalendarDay(models.Model):
    """An administrator's override of the statutory working-day calendar for one date."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    history = HistoricalRecords(verbose_name=_("historical calendar day"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self):
        return f"{self.date:%Y-%m-%d}"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message in a user's in-app list, also delivered through the channels the user chose
    (e-mail, WeChat Work: records/notifications/channels.py)."""

    class Kind(models.TextChoices):
        TRANSFERRED = "transferred", _("Problem transferred to you")
        ANSWERED = "answered", _("Answer received")
        HANDED_BACK = "handed_back", _("Problem handed back")
        URGED = "urged", _("Urged")
        OVERDUE = "overdue", _("Overdue")
        DUE_SOON = "due_soon", _("Deadline soon")
        FEEDBACK_DUE = "feedback_due", _("Feedback to the grassroots due")
        REOPENED = "reopened", _("Reopened: the grassroots are unsatisfied")
        RETURNED = "returned", _("Record sheet returned for revision")
        OPINION = "opinion", _("New worker opinion")
        INTEGRITY = "integrity", _("Integrity exception filed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    problem = models.ForeignKey(
        Problem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("problem"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    message = models.CharField(_("message"), max_length=300)
    # The page to act on (a path, e.g. the returned sheet's edit form): the bell list links
    # there, e-mails and WeChat Work messages carry it after settings.PUBLIC_BASE_URL.
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.message


class ReminderLog(models.Model):
    """A reminder sent for a problem on a day: the unique key makes `send_reminders` send each
    reminder once per item per day, however often cron runs it."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Notification.Kind.choices)
    day = models.DateField()

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["problem", "kind", "day"], name="one_reminder_a_day")
        ]

    def __str__(self):
        return f"{self.day} {self.kind} #{self.problem_id}"


def export_path(job, filename: str) -> str:
    # Under a random name in a folder that no URL serves: the file is only ever sent by the
    # export's own page, to the person who asked for it. One name per attempt: a worker that
    # lost the job never writes over the file of the attempt that replaced it.
    return f"exports/{job.pk}-{job.attempts}.xlsx"


class ExportJobQuerySet(models.QuerySet):
    def of(self, user):
        """The exports `user` asked for: nobody else's can be seen or downloaded."""
        return self.filter(requested_by=user) if user.is_authenticated else self.none()


class ExportJob(models.Model):
    """A workbook built off the request by a task (records.exports, run by `manage.py
    db_worker`): a 100,000-row register takes longer than anyone should wait on a page, and
    longer than a web worker should be tied up. The page shows its progress, then the file."""

    class Kind(models.TextChoices):
        REGISTER = "register", _("Record register")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    params = models.JSONField(_("parameters"), default=dict)
    title = models.CharField(_("title"), max_length=200)
    filename = models.CharField(_("file name"), max_length=100)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("requested by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to=export_path, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Each try of a worker at building it; the try that owns the job is the one whose number is
    # stored: a worker that lost it (killed, then retried by another) finds a newer one.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, editable=False)
    # Moved by the worker at the start and with each progress report: a running job whose
    # heartbeat is older than EXPORT_STALE_SECONDS has lost its worker.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.title} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
