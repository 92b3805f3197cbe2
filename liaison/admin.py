from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from liaison.models import (
    AuditEvent,
    MeetingDecision,
    Opinion,
    OpinionReminderLog,
    QuarterlyMeeting,
    QuarterSnapshot,
    WorkerHeartbeat,
)
from records.admin import HistoryReadOnlyAdmin
from unions.admin import TrailAdmin


@admin.register(QuarterlyMeeting)
class QuarterlyMeetingAdmin(admin.ModelAdmin):
    """A meeting is made on the site (`meeting_create` keeps its date inside its quarter); here
    its quarter, date and author are read, and only its record (attendees, minutes) is edited."""

    list_display = ["__str__", "date", "attendee_count", "other_attendees", "created_by"]
    list_filter = ["year", "quarter"]
    list_select_related = ["created_by"]
    search_fields = ["minutes", "other_attendees"]
    date_hierarchy = "date"
    autocomplete_fields = ["attendees"]
    readonly_fields = ["year", "quarter", "date", "created_by"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        # One aggregate for the page rather than one count per meeting.
        return super().get_queryset(request).annotate(attendee_total=Count("attendees"))

    @admin.display(description=_("number of attendees"), ordering="attendee_total")
    def attendee_count(self, meeting):
        return meeting.attendee_total


@admin.register(Opinion)
class OpinionAdmin(HistoryReadOnlyAdmin):
    """A worker's words as they left them, read here. Opinions arrive through the union's public
    page and are taken up on the site (`opinion_take_up`); an administrator may delete one."""

    list_display = [
        "created_at",
        "union",
        "category",
        "status",
        "short_text",
        "taken_up_by",
        "rating",
    ]
    list_filter = ["status", "rating", "category", "union__street"]
    list_select_related = ["union", "taken_up_by"]
    search_fields = ["text", "union__name", "union__credit_code"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("need or opinion"))
    def short_text(self, opinion):
        return opinion.text[:60]


@admin.register(OpinionReminderLog)
class OpinionReminderLogAdmin(admin.ModelAdmin):
    """What send_reminders has sent for unanswered opinions: read-only, the proof of once a
    day."""

    list_display = ["day", "opinion"]
    list_select_related = ["opinion"]
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MeetingDecision)
class MeetingDecisionAdmin(admin.ModelAdmin):
    """A meeting's decisions are carried out through the problem loop; here they are read."""

    list_display = ["meeting", "problem", "kind", "department", "deadline", "decided_by"]
    list_select_related = ["meeting", "problem", "department", "decided_by"]
    list_filter = ["kind", "meeting"]
    search_fields = ["note", "problem__description"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(QuarterSnapshot)
class QuarterSnapshotAdmin(admin.ModelAdmin):
    """Frozen quarters are made by the dashboard's "freeze" button (`quarter_freeze`) and read
    here; an administrator may delete a mistaken one, and the quarter can then be frozen again."""

    list_display = ["__str__", "as_of", "cadre_count", "frozen_by", "frozen_at"]
    list_filter = ["year", "quarter"]
    list_select_related = ["frozen_by"]
    readonly_fields = ["year", "quarter", "as_of", "timely_days", "frozen_by", "frozen_at"]
    exclude = ["rows", "streets"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("cadres"))
    def cadre_count(self, snapshot):
        return len(snapshot.rows)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """When the task worker last ran the health check's heartbeat (/healthz/): read only, it is
    written by the worker."""

    list_display = ["beat_at", "enqueued_at"]
    readonly_fields = ["beat_at", "enqueued_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(TrailAdmin):
    list_display = ["at", "kind", "username", "method", "path", "status", "client"]
    list_filter = ["kind", "status"]
    search_fields = ["username", "path", "client"]
    date_hierarchy = "at"
