from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from records.calendar import Override, calendar_days_set, calendar_load_year, library_covers
from records.models import (
    Attachment,
    CalendarDay,
    ExportJob,
    Notification,
    Problem,
    ProblemEvent,
    ReminderLog,
    ResearchTopic,
    VisitRecord,
)
from records.versions import claim_version
from unions import cache as generations
from unions.admin import HistoryReadOnlyAdmin


class VersionedAdmin(HistoryReadOnlyAdmin):
    """A change saved here raises the object's version, so a cadre's page still showing the
    old one cannot save over it (records.versions)."""

    def save_model(self, request, obj, form, change):
        if change:
            claim_version(obj)
        super().save_model(request, obj, form, change)


class LoadYearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [
            (year, str(year))
            for year in range(this_year - 2, this_year + 3)
            if library_covers(year)
        ]


class IntegrityExceptionFilter(admin.SimpleListFilter):
    """Records where the cadre accepted transport, gifts or a banquet from the grassroots."""

    title = _("integrity exception")
    parameter_name = "integrity_exception"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        exceptions = queryset.integrity_exceptions()
        if self.value() == "yes":
            return exceptions
        if self.value() == "no":
            return queryset.exclude(pk__in=exceptions.values("pk"))
        return queryset


# A problem's steps: taken through records/problems/services.py, which writes the timeline.
PROBLEM_STEP_FIELDS = [
    "resolution",
    "department",
    "leader",
    "urgent",
    "deadline",
    "status",
    "answer",
    "answered_at",
    "answered_by",
    "feedback_on",
    "feedback_method",
    "feedback_by",
    "satisfaction",
]


class ProblemInline(admin.StackedInline):
    model = Problem
    extra = 0
    show_change_link = True
    # The answer and the feedback are filled in on the problem's own page.
    fields = [
        "description",
        "category",
        "resolution",
        "action_on_spot",
        "department",
        "leader",
        "urgent",
        "deadline",
        "status",
    ]
    # The steps of the loop are taken on the site (records/problems/services.py), which
    # writes the timeline; here they are shown, not changed.
    readonly_fields = PROBLEM_STEP_FIELDS


@admin.register(VisitRecord)
class VisitRecordAdmin(VersionedAdmin):
    list_display = [
        "start_date",
        "union",
        "cadre",
        "days",
        "contact_form",
        "areas",
        "integrity_exception",
        "status",
    ]
    list_filter = [
        "status",
        "contact_form",
        IntegrityExceptionFilter,
        "cadre__department",
        "union__street",
    ]
    list_select_related = ["union", "cadre"]
    search_fields = ["union__name", "union__credit_code", "cadre__name", "cadre__staff_number"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["cadre", "union"]
    # Filing and returning are steps of records/sheets/services.py (they send the problems on
    # and notify); here they are shown, not changed.
    readonly_fields = ["status", "filed_at", "return_reason", "created_at", "updated_at"]
    inlines = [ProblemInline]
    fieldsets = [
        (None, {"fields": ["cadre", "union", ("start_date", "end_date"), "days", "contact_form"]}),
        (
            _("Content areas"),
            {"fields": ["area_needs", "area_policy", "area_problems", "area_self"]},
        ),
        (
            _("The contact"),
            {
                "fields": [
                    "questions_prepared",
                    "people_met",
                    "workers_met",
                    "needs_and_opinions",
                    "policies_publicised",
                    "actions_on_spot",
                ]
            },
        ),
        (
            _("Integrity"),
            {
                "fields": [
                    "transport_accepted",
                    "gifts_accepted",
                    "banquet_accepted",
                    "integrity_explanation",
                ]
            },
        ),
        (
            _("Filing"),
            {"fields": ["status", "filed_at", "return_reason", "created_at", "updated_at"]},
        ),
    ]

    def get_queryset(self, request):
        # A record's name includes its union and cadre; the autocomplete of a problem's record
        # lists records from here, where list_select_related does not reach.
        return super().get_queryset(request).select_related("union", "cadre")

    def save_formset(self, request, form, formset, change):
        # The sheet's problems changed inline are new versions of those problems too.
        deleted = set(formset.deleted_forms)
        for inline in formset.forms:
            if inline.instance.pk and inline not in deleted and inline.has_changed():
                claim_version(inline.instance)
        super().save_formset(request, form, formset, change)

    @admin.display(description=_("Content areas"))
    def areas(self, record):
        return ", ".join(str(area.label) for area in record.content_areas)

    @admin.display(description=_("integrity exception"), boolean=True)
    def integrity_exception(self, record):
        return record.has_integrity_exception


class ProblemEventInline(admin.TabularInline):
    """The problem's timeline, read-only: it is the audit trail of the problem."""

    model = ProblemEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Problem)
class ProblemAdmin(VersionedAdmin):
    list_display = [
        "__str__",
        "union",
        "cadre",
        "category",
        "resolution",
        "department",
        "leader",
        "deadline",
        "urgent",
        "status",
    ]
    list_filter = ["status", "category", "resolution", "urgent", "department"]
    list_select_related = ["record__union", "record__cadre", "department", "leader"]
    search_fields = ["description", "record__union__name", "record__cadre__name"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["record"]
    readonly_fields = [*PROBLEM_STEP_FIELDS, "created_at", "updated_at"]
    inlines = [ProblemEventInline]

    @admin.display(description=_("grassroots union"), ordering="record__union__name")
    def union(self, problem):
        return problem.record.union

    @admin.display(description=_("cadre"), ordering="record__cadre__name")
    def cadre(self, problem):
        return problem.record.cadre


@admin.register(ProblemEvent)
class ProblemEventAdmin(admin.ModelAdmin):
    """Read-only: the timeline is an audit trail, written only by the problem's services."""

    list_display = ["at", "problem", "action", "from_status", "to_status", "actor"]
    list_filter = ["to_status", "action"]
    list_select_related = ["problem", "actor"]
    search_fields = ["problem__description", "note", "actor__username"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(HistoryReadOnlyAdmin):
    """Overrides of the statutory calendar. A year the library knows can be loaded here and
    then edited; a year it does not know yet (it stops at its last release) is entered by hand."""

    list_display = ["date", "weekday", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    search_fields = ["note"]
    date_hierarchy = "date"
    change_list_template = "admin/records/calendarday/change_list.html"

    @admin.display(description=_("weekday"))
    def weekday(self, day):
        return date_format(day.date, "l")

    # Saved and deleted through the calendar's one service (records.calendar.calendar_days_set),
    # as the year's holidays form does: history, and every home's pace recounted.
    def save_model(self, request, obj, form, change):
        moved = [form.initial["date"]] if change and "date" in form.changed_data else []
        override = Override(obj.date, obj.is_working_day, obj.note)
        (saved,) = calendar_days_set(overrides=[override], remove=moved, user=request.user)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        calendar_days_set(remove=[obj.date], user=request.user)

    def delete_queryset(self, request, queryset):
        calendar_days_set(remove=queryset.values_list("date", flat=True), user=request.user)

    def get_urls(self):
        load_year = self.admin_site.admin_view(self.load_year_view)
        return [
            path("load-year/", load_year, name="records_calendarday_load_year"),
            *super().get_urls(),
        ]

    def load_year_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = LoadYearForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            year = form.cleaned_data["year"]
            created = calendar_load_year(year=year, user=request.user)
            self.message_user(
                request,
                _("%(year)s: %(n)s holidays and adjusted working days loaded.")
                % {"year": year, "n": created},
                messages.SUCCESS,
            )
            return redirect("admin:records_calendarday_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Load a year's statutory calendar"),
        }
        return TemplateResponse(request, "admin/records/calendarday/load_year.html", context)


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """Files come in through the record sheet (content-checked); here they are looked at."""

    list_display = ["original_name", "record", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_select_related = ["record__union", "record__cadre", "uploaded_by"]
    list_filter = ["content_type"]
    search_fields = ["original_name", "record__union__name", "record__cadre__name"]
    date_hierarchy = "uploaded_at"
    readonly_fields = [
        "file",
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    ]
    autocomplete_fields = ["record"]

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "message", "read_at"]
    list_select_related = ["recipient"]
    list_filter = ["kind"]
    search_fields = ["message", "recipient__username"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["recipient", "problem"]

    # The cadre home keeps the bell's count under the recipient's inbox generation: a notice
    # changed here rings or quiets it at once, as one written by the services does.
    def save_model(self, request, obj, form, change):
        before = form.initial.get("recipient")
        super().save_model(request, obj, form, change)
        generations.inboxes_changed(*{obj.recipient_id, before} - {None})

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        generations.inboxes_changed(obj.recipient_id)

    def delete_queryset(self, request, queryset):
        recipients = set(queryset.values_list("recipient_id", flat=True))
        super().delete_queryset(request, queryset)
        generations.inboxes_changed(*recipients)


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    """What send_reminders has sent: read-only, it is the proof of once a day."""

    list_display = ["day", "kind", "problem"]
    list_select_related = ["problem"]
    list_filter = ["kind"]
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Who asked for which export and how it went: read-only, and without the file (it is sent
    only to the person who asked, from the export's own page). Deleting a row leaves its file
    to the export task's clean-up."""

    list_display = ["created_at", "title", "requested_by", "status", "rows_done", "rows_total"]
    list_filter = ["status", "kind"]
    list_select_related = ["requested_by"]
    search_fields = ["title", "requested_by__username"]
    date_hierarchy = "created_at"
    exclude = ["file"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ResearchTopic)
class ResearchTopicAdmin(admin.ModelAdmin):
    """Topics are opened on the site (records/topics, through its service) and a topic of the
    quarter by its meeting: here they are shown, not changed."""

    list_display = ["title", "kind", "starts_on", "ends_on", "lead_department", "deadline"]
    list_filter = ["kind"]
    list_select_related = ["lead_department"]
    search_fields = ["title", "question"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
