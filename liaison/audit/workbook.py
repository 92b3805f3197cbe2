"""The audit trail as a workbook, in the conventions of the other exports (records.excel):
one row per field changed, Beijing time, every text safe from being read as a formula."""

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext_lazy

from liaison.audit.selectors import Entry
from records import excel

COLUMNS = [
    excel.Column(gettext_lazy("Time"), 18),
    excel.Column(gettext_lazy("Person"), 16),
    excel.Column(gettext_lazy("Kind of object"), 14),
    excel.Column(gettext_lazy("Object number"), 8),
    excel.Column(gettext_lazy("Object"), 20),
    excel.Column(gettext_lazy("Action"), 10),
    excel.Column(gettext_lazy("Field"), 14),
    excel.Column(gettext_lazy("Before"), 24),
    excel.Column(gettext_lazy("After"), 24),
    excel.Column(gettext_lazy("Reason"), 14),
]


def _rows(entries: Iterable[Entry]) -> Iterator[list]:
    for entry in entries:
        first = [entry.at, entry.actor, entry.kind_label, entry.object_id, entry.object_label]
        for change in entry.changes or [None]:
            if change is None:
                yield [*first, entry.action, "", "", "", entry.reason]
            else:
                yield [
                    *first,
                    entry.action,
                    change.label,
                    change.before,
                    change.after,
                    entry.reason,
                ]


def audit_workbook(entries: Iterable[Entry], row_count: int):
    workbook = excel.new_workbook()
    excel.add_sheet(
        workbook,
        name=str(gettext_lazy("Audit trail")),
        title=gettext_lazy("Audit trail"),
        columns=COLUMNS,
        rows=_rows(entries),
        row_count=row_count,
    )
    return workbook
