import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from unions.tokens import PUBLIC_TOKEN_MAX_LENGTH, new_public_token
from unions.validators import (
    validate_credit_code,
    validate_mainland_mobile,
    validate_wecom_userid,
)

YEAR_VALIDATORS = [MinValueValidator(2016), MaxValueValidator(2100)]


class Department(models.Model):
    """A department of the federation's office (机关各部室)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_lead = models.BooleanField(
        _("lead department"),
        default=False,
        help_text=_("The Organization & Personnel Department, which leads the programme."),
    )
    units_per_cadre = models.PositiveSmallIntegerField(
        _("units per cadre"),
        default=1,
        help_text=_(
            "How many grassroots unions each non-leader cadre of this department contacts."
        ),
    )

    history = HistoricalRecords(verbose_name=_("historical department"))

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(
                fields=["is_lead"], condition=Q(is_lead=True), name="one_lead_department"
            ),
        ]

    def __str__(self):
        return self.name


def may_hold(*, is_leader: bool, units: int) -> bool:
    """The 4-units rule (the first "4" of 443): a division-level-or-above leader holds at most
    LEADER_UNITS contact units a year. Other cadres' number is their department's
    (`Cadre.unit_quota`), a target rather than a ceiling. Every entry point asks here: the
    assignment services (and the admin through them), the import, the desk."""
    return not is_leader or units <= settings.LEADER_UNITS


def active_q(prefix: str = "") -> Q:
    """The one definition of an active cadre or grassroots union, as a filter on the model or
    through a relation (`active_q("cadre__")`): its `active` flag. An inactive one keeps its
    history and figures but takes no new contact points."""
    return Q(**{f"{prefix}active": True})


class CadreQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active_q())

    def leaders(self):
        return self.filter(rank__in=Cadre.LEADER_RANKS)


class Cadre(models.Model):
    """A cadre of the federation's office (机关干部), with one login."""

    class Rank(models.TextChoices):
        BUREAU = "bureau", _("bureau level")
        DIVISION = "division", _("division level")
        SECTION = "section", _("section level")
        STAFF = "staff", _("staff")

    # 处级及以上领导干部: these ranks hold 4 contact units each.
    LEADER_RANKS = (Rank.BUREAU, Rank.DIVISION)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cadre",
        verbose_name=_("login"),
    )
    name = models.CharField(_("name"), max_length=50)
    staff_number = models.CharField(_("staff number"), max_length=20, unique=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="cadres", verbose_name=_("department")
    )
    rank = models.CharField(_("rank"), max_length=10, choices=Rank.choices, default=Rank.STAFF)
    title = models.CharField(_("title"), max_length=50, blank=True)
    phone = models.CharField(_("office phone"), max_length=30, blank=True)
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(verbose_name=_("historical cadre"))
    objects = CadreQuerySet.as_manager()

    class Meta:
        ordering = ["department__order", "name"]
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")

    def __str__(self):
        return self.name

    @property
    def is_leader(self) -> bool:
        """处级及以上: a division-level-or-above leader."""
        return self.rank in self.LEADER_RANKS

    @property
    def unit_quota(self) -> int:
        """How many contact units this cadre should hold. Reads `department` (a query if not
        selected)."""
        return settings.LEADER_UNITS if self.is_leader else self.department.units_per_cadre

    def may_hold(self, units: int) -> bool:
        return may_hold(is_leader=self.is_leader, units=units)


class UserPreference(models.Model):
    """What a user chose for themselves: the UI language (liaison/language/), how to reach them
    (mobile, WeChat Work account) and the channels their notifications go through besides the
    bell (records/notifications/channels.py). A row only once they chose something (or an
    administrator or the org import set their WeChat Work account); not every user is a cadre.
    Here, the lowest layer, so that what records writes for a user can follow it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="preference",
        verbose_name=_("login"),
    )
    # Empty: not chosen (Chinese, settings.LANGUAGE_CODE).
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    # Room beyond 11 so that a wrong length gets the validator's message, not a length one.
    mobile = models.CharField(
        _("mobile"), max_length=20, blank=True, validators=[validate_mainland_mobile]
    )
    wecom_userid = models.CharField(
        _("WeChat Work account"),
        max_length=64,
        blank=True,
        validators=[validate_wecom_userid],
        help_text=_("The member's account (userid) in the federation's WeChat Work."),
    )
    notify_email = models.BooleanField(_("notify by e-mail"), default=True)
    notify_wecom = models.BooleanField(_("notify by WeChat Work"), default=True)

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")

    def __str__(self):
        return str(self.user)


class Street(models.TextChoices):
    """The 15 sub-district offices (街道) of Xicheng District."""

    XICHANGANJIE = "xichanganjie", _("Xichang'anjie")
    XINJIEKOU = "xinjiekou", _("Xinjiekou")
    YUETAN = "yuetan", _("Yuetan")
    ZHANLANLU = "zhanlanlu", _("Zhanlanlu")
    DESHENG = "desheng", _("Desheng")
    JINRONGJIE = "jinrongjie", _("Jinrongjie")
    SHICHAHAI = "shichahai", _("Shichahai")
    DASHILAR = "dashilar", _("Dashilar")
    TIANQIAO = "tianqiao", _("Tianqiao")
    CHUNSHU = "chunshu", _("Chunshu")
    TAORANTING = "taoranting", _("Taoranting")
    GUANGANMENNEI = "guanganmennei", _("Guang'anmennei")
    NIUJIE = "niujie", _("Niujie")
    BAIZHIFANG = "baizhifang", _("Baizhifang")
    GUANGANMENWAI = "guanganmenwai", _("Guang'anmenwai")


class GrassrootsUnionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active_q())


class GrassrootsUnion(models.Model):
    """A grassroots union (基层工会) the federation's cadres contact."""

    class Kind(models.TextChoices):
        DIRECT = "direct", _("directly affiliated")
        NON_PUBLIC = "non_public", _("non-public enterprise")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=100)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.DIRECT)
    street = models.CharField(_("street"), max_length=16, choices=Street.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    chair = models.CharField(_("union chair"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    member_count = models.PositiveIntegerField(_("members"), default=0)
    active = models.BooleanField(_("active"), default=True)
    # The link on the union's notice board (its QR code) carries this token, never the id; the
    # organization department regenerates it and the old link stops working.
    public_token = models.CharField(
        _("public link token"),
        max_length=PUBLIC_TOKEN_MAX_LENGTH,
        unique=True,
        default=new_public_token,
        editable=False,
    )

    history = HistoricalRecords(verbose_name=_("historical grassroots union"))
    objects = GrassrootsUnionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("grassroots union")
        verbose_name_plural = _("grassroots unions")
        indexes = [models.Index(fields=["street", "name"])]

    def __str__(self):
        return self.name


class LiaisonAssignmentQuerySet(models.QuerySet):
    def for_year(self, year: int):
        return self.filter(year=year)

    def current(self):
        """Assignments that have not been ended mid-year."""
        return self.filter(ended_at__isnull=True)


class LiaisonAssignment(models.Model):
    """A contact point (联系点): a cadre is assigned a grassroots union for a year."""

    cadre = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("cadre")
    )
    union = models.ForeignKey(
        GrassrootsUnion,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("grassroots union"),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    ended_at = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)

    history = HistoricalRecords(
        verbose_name=_("historical contact point"),
        table_name="liaison_historicalliaisonassignment",
    )
    objects = LiaisonAssignmentQuerySet.as_manager()

    class Meta:
        # Created by the liaison app; the table kept its name when the model came here.
        db_table = "liaison_liaisonassignment"
        ordering = ["-year", "cadre__name", "union__name"]
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "union", "year"], name="one_assignment_per_cadre_union_year"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2016) & Q(year__lte=2100), name="assignment_year_in_range"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | ~Q(end_reason=""),
                name="ended_assignment_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["year", "union"])]

    def __str__(self):
        return f"{self.year} {self.cadre} → {self.union}"

    @property
    def starts_on(self) -> datetime.date:
        """The first day the point counts: 1 January of its year, or the day (in Beijing time)
        it was assigned, if later."""
        assigned = timezone.localtime(self.assigned_at).date() if self.assigned_at else None
        first = datetime.date(self.year, 1, 1)
        return max(first, assigned) if assigned else first


class RoleChange(models.Model):
    """A role given or taken (a user added to or removed from a role's group): who, whose, when.
    Written by `unions.history` on every change of a user's groups, whoever makes it (the admin's
    user page, the org import, a command), since Django keeps no history of a many-to-many."""

    class Action(models.TextChoices):
        GIVEN = "given", _("role given")
        TAKEN = "taken", _("role taken")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("login"),
    )
    # Kept as text too: the trail outlives a deleted user or a renamed group.
    username = models.CharField(_("login name"), max_length=150)
    group = models.CharField(_("role"), max_length=150)
    action = models.CharField(_("action"), max_length=5, choices=Action.choices)
    reason = models.CharField(_("reason"), max_length=100, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("role change")
        verbose_name_plural = _("role changes")

    def __str__(self):
        return f"{self.username}: {self.get_action_display()} {self.group}"
