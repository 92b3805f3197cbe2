from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from liaison.audit.forms import AuditFilterForm
from liaison.audit.selectors import entries, entries_in_chunks, trail
from liaison.audit.workbook import audit_workbook
from records import excel
from unions.permissions import require_permission

ENTRIES_PER_PAGE = 30
# A workbook holds at most this many changes, newest first: narrow the filters for older ones.
EXPORT_LIMIT = 20_000


@require_permission("liaison.view_audit")
def audit(request):
    """Every change, login and refused access: who, when, what, before and after."""
    form = AuditFilterForm(request.GET or None)
    rows = trail(form.filters())
    page = Paginator(rows, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "entries": entries(page.object_list),
        "query": query.urlencode(),
    }
    return render(request, "liaison/audit/audit.html", context)


@require_permission("liaison.view_audit")
def audit_export(request):
    """The filtered trail as a workbook (the page's filters, every page)."""
    form = AuditFilterForm(request.GET or None)
    rows = trail(form.filters())
    count = min(rows.count(), EXPORT_LIMIT)
    workbook = audit_workbook(entries_in_chunks(rows, count), count)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return excel.workbook_response(workbook, f"audit-{stamp}.xlsx")
