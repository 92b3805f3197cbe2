from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from unions.assignments.services import (
    assignment_create,
    assignment_create_check,
    assignment_end,
    assignment_end_check,
)
from unions.history import display_value, reason_label
from unions.models import (
    Cadre,
    Department,
    GrassrootsUnion,
    LiaisonAssignment,
    RoleChange,
    UserPreference,
    active_q,
)


class ReadableChanges(HistoricalRecordContextHelper):
    """The history's "changes" column as people read it: choices by label, yes/no, Beijing
    time (simple-history shows the stored codes, True/False and UTC)."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if field.many_to_many:
            return super().prepare_delta_change_value(change, value)
        return display_value(field, value)


class HistoryReadOnlyAdmin(SimpleHistoryAdmin):
    """An object's history, shown and never changed. SIMPLE_HISTORY_REVERT_DISABLED only hides
    the "Revert" button of a past version's page: its form would still save a POST over the
    object. Here the past version is read (GET) and any other request is refused.

    Its list shows values as people read them and the reason by name (the org import)."""

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        super().set_history_delta_changes(request, historical_records, **kwargs)
        for record in historical_records:  # shown, never saved: the stored code stays
            record.history_change_reason = reason_label(record.history_change_reason)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Department)
class DepartmentAdmin(HistoryReadOnlyAdmin):
    list_display = ["name", "order", "is_lead", "units_per_cadre", "active_cadres"]
    search_fields = ["name"]

    def get_queryset(self, request):
        # The count is one aggregate over the whole page, not one query per department.
        return (
            super()
            .get_queryset(request)
            .annotate(active_cadre_count=Count("cadres", filter=active_q("cadres__")))
        )

    @admin.display(description=_("Active cadres"), ordering="active_cadre_count")
    def active_cadres(self, department):
        return department.active_cadre_count


@admin.register(Cadre)
class CadreAdmin(HistoryReadOnlyAdmin):
    list_display = [
        "name",
        "staff_number",
        "department",
        "rank",
        "title",
        "phone",
        "user",
        "active",
    ]
    list_filter = ["department", "rank", "active"]
    list_select_related = ["department", "user"]
    search_fields = ["name", "staff_number", "user__username"]
    autocomplete_fields = ["user", "department"]


@admin.register(UserPreference)
class UserPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "language", "wecom_userid", "notify_email", "notify_wecom"]
    list_filter = ["language"]
    list_select_related = ["user"]
    search_fields = ["user__username", "wecom_userid"]
    autocomplete_fields = ["user"]


@admin.register(GrassrootsUnion)
class GrassrootsUnionAdmin(HistoryReadOnlyAdmin):
    list_display = ["name", "credit_code", "kind", "street", "chair", "member_count", "active"]
    list_filter = ["street", "kind", "active"]
    # 3,000 unions: every form that points at a union uses an autocomplete searching these.
    search_fields = ["name", "credit_code", "chair"]


# Which field a refusal of `assignment_create` is about, so the admin shows it next to it.
CREATE_ERROR_FIELDS = {
    "inactive_cadre": "cadre",
    "leader_limit": "cadre",
    "inactive_union": "union",
    "duplicate": "union",
}


class AssignmentAddForm(forms.ModelForm):
    """The service's checks, run on the cleaned values; `save_model` then creates through
    `assignment_create` (which checks again, under its lock)."""

    class Meta:
        model = LiaisonAssignment
        fields = ["cadre", "union", "year"]

    def clean(self):
        cleaned = super().clean()
        cadre, union, year = (cleaned.get(name) for name in ("cadre", "union", "year"))
        if cadre and union and year:
            try:
                assignment_create_check(cadre=cadre, union=union, year=year)
            except ValidationError as error:
                for item in error.error_list:
                    self.add_error(CREATE_ERROR_FIELDS.get(item.code), item)
        return cleaned


class AssignmentEndForm(forms.ModelForm):
    """A contact point is only ended here, through `assignment_end`; the rest is read-only."""

    class Meta:
        model = LiaisonAssignment
        fields = ["ended_at", "end_reason"]

    def clean(self):
        cleaned = super().clean()
        ended_at, reason = cleaned.get("ended_at"), cleaned.get("end_reason", "")
        if (ended_at or reason) and not self.has_error("ended_at"):
            try:
                assignment_end_check(assignment=self.instance, ended_at=ended_at, reason=reason)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(LiaisonAssignment)
class LiaisonAssignmentAdmin(HistoryReadOnlyAdmin):
    """Saved through the assignment services, never around them: an add is `assignment_create`
    (the 4-units rule, active cadre and union), a change only ends the point
    (`assignment_end`)."""

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
    autocomplete_fields = ["cadre", "union"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["cadre", "union", "year"]
        return ["cadre", "union", "year", "assigned_by", "assigned_at", "ended_at", "end_reason"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fixed = ["cadre", "union", "year", "assigned_by", "assigned_at"]
        return fixed if obj.ended_at is None else [*fixed, "ended_at", "end_reason"]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = AssignmentAddForm if obj is None else AssignmentEndForm
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            created = assignment_create(
                cadre=obj.cadre, union=obj.union, year=obj.year, user=request.user
            )
            obj.pk, obj.assigned_by, obj.assigned_at = (
                created.pk,
                created.assigned_by,
                created.assigned_at,
            )
            obj._state.adding = False
        elif form.cleaned_data.get("ended_at") or form.cleaned_data.get("end_reason"):
            assignment_end(
                assignment=obj,
                ended_at=form.cleaned_data["ended_at"],
                reason=form.cleaned_data["end_reason"],
                user=request.user,
            )

    @admin.display(description=_("department"), ordering="cadre__department__order")
    def department(self, assignment):
        return assignment.cadre.department

    @admin.display(description=_("street"), ordering="union__street")
    def street(self, assignment):
        return assignment.union.get_street_display()


class TrailAdmin(admin.ModelAdmin):
    """A row of the audit trail: read, never added, changed or deleted (here or anywhere)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RoleChange)
class RoleChangeAdmin(TrailAdmin):
    list_display = ["at", "username", "action", "group", "changed_by", "reason"]
    list_filter = ["action", "group"]
    list_select_related = ["changed_by"]
    search_fields = ["username", "group"]
    date_hierarchy = "at"
