"""A research topic as a workbook (records.excel's conventions): its figures, how its problems
ended, the needs recorded on its sheets and its problems."""

from django.utils.translation import gettext as _

from records import excel
from records.counts import add_outcomes_sheet


def topic_workbook(topic, figures: dict):
    book = excel.new_workbook()
    summary = [
        [_("Topic title"), topic.title],
        [_("Question"), topic.question],
        [_("Period"), f"{topic.starts_on:%Y-%m-%d} – {topic.ends_on:%Y-%m-%d}"],
        [_("Sheets that recorded workers' needs"), figures["needs"].value],
        [_("Number of problems"), figures["problems"].value],
        *([row["label"], row["cell"].value] for row in figures["by_category"]),
    ]
    excel.add_sheet(
        book,
        name=_("Topic"),
        title=_("Research brief: %(title)s") % {"title": topic.title},
        columns=[excel.Column(_("Item"), 28), excel.Column(_("Value"), 60)],
        rows=summary,
        row_count=len(summary),
    )
    add_outcomes_sheet(
        book,
        figures["outcomes"],
        title=_("How the problems ended: %(title)s") % {"title": topic.title},
    )
    needs = [
        [
            r.start_date,
            r.union.name,
            r.union.get_street_display(),
            r.cadre.name,
            r.needs_and_opinions,
        ]
        for r in figures["need_texts"]
    ]
    excel.add_sheet(
        book,
        name=_("Needs"),
        title=_("Workers' needs and opinions recorded on the topic's sheets"),
        columns=[
            excel.Column(_("Date"), 11),
            excel.Column(_("Grassroots union"), 28),
            excel.Column(_("Street"), 12),
            excel.Column(_("Cadre"), 10),
            excel.Column(_("Workers' needs and opinions"), 60),
        ],
        rows=needs,
        row_count=len(needs),
    )
    problems = [
        [
            p.pk,
            p.record.start_date,
            p.record.union.name,
            p.get_category_display(),
            p.description,
            p.department.name if p.department else "",
            p.deadline,
            p.get_status_display(),
            p.get_satisfaction_display(),
        ]
        for p in figures["problem_list"]
    ]
    excel.add_sheet(
        book,
        name=_("The topic's problems"),
        title=_("The topic's problems"),
        columns=[
            excel.Column(_("No."), 7),
            excel.Column(_("Raised on"), 11),
            excel.Column(_("Grassroots union"), 28),
            excel.Column(_("Category"), 12),
            excel.Column(_("Problem"), 40),
            excel.Column(_("Department"), 14),
            excel.Column(_("Deadline"), 11),
            excel.Column(_("Status"), 9),
            excel.Column(_("Satisfaction"), 10),
        ],
        rows=problems,
        row_count=len(problems),
    )
    return book
