from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from liaison.models import LiaisonAssignment, QuarterlyMeeting


@admin.register(LiaisonAssignment)
class LiaisonAssignmentAdmin(SimpleHistoryAdmin):
    list_display = [
        "year",
        "cadre",
        "department",
        "union",
        "street",
        "assigned_by",
        "assigned_at",
        "ended_at",
    ]
    list_filter = [
        "year",
        "cadre__department",
        "union__street",
        ("ended_at", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["cadre__department", "union", "assigned_by"]
    search_fields = [
        "cadre__name",
        "cadre__staff_number",
        "union__name",
        "union__credit_code",
    ]
    autocomplete_fields = ["cadre", "union", "assigned_by"]
    readonly_fields = ["assigned_at"]

    @admin.display(description=_("department"), ordering="cadre__department__order")
    def department(self, assignment):
        return assignment.cadre.department

    @admin.display(description=_("street"), ordering="union__street")
    def street(self, assignment):
        return assignment.union.get_street_display()


@admin.register(QuarterlyMeeting)
class QuarterlyMeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "date", "attendee_count", "other_attendees", "created_by"]
    list_filter = ["year", "quarter"]
    list_select_related = ["created_by"]
    search_fields = ["minutes", "other_attendees"]
    date_hierarchy = "date"
    autocomplete_fields = ["attendees", "created_by"]

    def get_queryset(self, request):
        # One aggregate for the page rather than one count per meeting.
        return super().get_queryset(request).annotate(attendee_total=Count("attendees"))

    @admin.display(description=_("number of attendees"), ordering="attendee_total")
    def attendee_count(self, meeting):
        return meeting.attendee_total
