from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from unions.models import Cadre, Department, GrassrootsUnion, LiaisonAssignment


class HistoryReadOnlyAdmin(SimpleHistoryAdmin):
    """An object's history, shown and never changed. SIMPLE_HISTORY_REVERT_DISABLED only hides
    the "Revert" button of a past version's page: its form would still save a POST over the
    object. Here the past version is read (GET) and any other request is refused."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "is_lead", "units_per_cadre", "active_cadres"]
    search_fields = ["name"]

    def get_queryset(self, request):
        # The count is one aggregate over the whole page, not one query per department.
        return (
            super()
            .get_queryset(request)
            .annotate(active_cadre_count=Count("cadres", filter=Q(cadres__active=True)))
        )

    @admin.display(description=_("Active cadres"), ordering="active_cadre_count")
    def active_cadres(self, department):
        return department.active_cadre_count


@admin.register(Cadre)
class CadreAdmin(admin.ModelAdmin):
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


@admin.register(GrassrootsUnion)
class GrassrootsUnionAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "kind", "street", "chair", "member_count", "active"]
    list_filter = ["street", "kind", "active"]
    # 3,000 unions: every form that points at a union uses an autocomplete searching these.
    search_fields = ["name", "credit_code", "chair"]


@admin.register(LiaisonAssignment)
class LiaisonAssignmentAdmin(HistoryReadOnlyAdmin):
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
