from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from unions.models import Cadre, Department, GrassrootsUnion


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
