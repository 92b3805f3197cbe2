from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from unions.models import Cadre, GrassrootsUnion

QUARTER_CHOICES = [(1, _("Q1")), (2, _("Q2")), (3, _("Q3")), (4, _("Q4"))]
YEAR_VALIDATORS = [MinValueValidator(2016), MaxValueValidator(2100)]


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

    history = HistoricalRecords(verbose_name=_("historical contact point"))
    objects = LiaisonAssignmentQuerySet.as_manager()

    class Meta:
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
