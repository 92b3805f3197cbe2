"""A failure in the middle of a write that touches many rows leaves nothing half-written: the
database, a disk, a bug gives up on row N, and rows 1 to N-1 are rolled back with it.

Each test makes one write fail part-way (unittest.mock / monkeypatch) and checks that every
count — rows and their history — is what it was before. Today is 2026-11-24.
"""

import datetime
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError
from django.urls import reverse
from simple_history.manager import HistoryManager

from liaison.compliance import services as compliance_services
from liaison.models import QuarterSnapshot
from records.models import Notification, Problem, ProblemEvent, VisitRecord
from tests.factories import GrassrootsUnionFactory, LiaisonAssignmentFactory, VisitRecordFactory
from tests.helpers import sheet, solved_on_the_spot, to_transfer
from tests.org_workbooks import build
from unions.assignments.services import assignments_roll_over
from unions.models import Cadre, Department, GrassrootsUnion, LiaisonAssignment
from unions.org_import import points as importer

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    models = [
        get_user_model(),
        Department,
        Cadre,
        GrassrootsUnion,
        LiaisonAssignment,
        VisitRecord,
        Problem,
        ProblemEvent,
        Notification,
        QuarterSnapshot,
    ]
    tally = {model.__name__: model.objects.count() for model in models}
    for model in (LiaisonAssignment, VisitRecord, Problem):
        tally[f"{model.__name__} history"] = model.history.count()
    return tally


def failing_on_call(n: int, real):
    """A stand-in for `real` that fails on its n-th call, as the disk or the database might."""
    calls = []

    def call(*args, **kwargs):
        calls.append(args)
        if len(calls) == n:
            raise DatabaseError(f"simulated failure on call {n}")
        return real(*args, **kwargs)

    return call


@pytest.fixture
def unit(alice):
    union = GrassrootsUnionFactory(name="西城区某某商场工会")
    LiaisonAssignmentFactory(cadre=alice, union=union, year=2026)
    return union


# Filing a record sheet with its problems


def test_a_sheet_whose_third_problem_fails_to_save_is_not_filed_at_all(
    login, alice, unit, department, monkeypatch
):
    problems = [solved_on_the_spot(), to_transfer(department), to_transfer(department)]
    monkeypatch.setattr(Problem, "save", failing_on_call(3, Problem.save))
    before = counts()

    with pytest.raises(DatabaseError):
        login(alice).post(reverse("records:record-create"), sheet(unit, problems=problems))

    # Not the sheet, not the two problems saved before, not their timeline or notifications.
    assert counts() == before


def test_a_failure_while_filing_a_draft_leaves_the_draft_as_it_was(
    login, alice, unit, department, monkeypatch
):
    draft = VisitRecordFactory(
        cadre=alice,
        union=unit,
        status=VisitRecord.Status.DRAFT,
        start_date=datetime.date(2026, 11, 23),
        people_met="草稿里的人员",
    )
    # The second problem is transferred on filing: its transfer is where it fails.
    monkeypatch.setattr(
        "records.problems.services.ProblemEvent.objects.create",
        failing_on_call(3, ProblemEvent.objects.create),
    )
    before = counts()

    with pytest.raises(DatabaseError):
        login(alice).post(
            reverse("records:record-edit", args=[draft.pk]),
            sheet(unit, problems=[solved_on_the_spot(), to_transfer(department)], version="1"),
        )

    assert counts() == before
    draft.refresh_from_db()
    assert (draft.status, draft.people_met, draft.version) == (
        VisitRecord.Status.DRAFT,
        "草稿里的人员",
        1,
    )
    assert draft.filed_at is None


# The organization import


def test_an_import_that_fails_on_a_later_contact_point_writes_nothing(olivia, monkeypatch):
    monkeypatch.setattr(
        importer, "assignment_create", failing_on_call(3, importer.assignment_create)
    )
    before = counts()

    with pytest.raises(DatabaseError):
        importer.org_import(build(), user=olivia.user, year=2026)

    # Not the departments, cadres (and their logins) and unions written before the points.
    assert counts() == before


# The quarter freeze


def test_a_freeze_that_fails_while_computing_stores_no_snapshot(olivia, monkeypatch):
    monkeypatch.setattr(
        compliance_services,
        "live_street_coverage",
        mock.Mock(side_effect=DatabaseError("simulated failure")),
    )

    with pytest.raises(DatabaseError):
        compliance_services.quarter_freeze(year=2026, quarter=3, user=olivia.user)

    assert not QuarterSnapshot.objects.exists()
    # Nothing stands in the way of freezing it again once the fault is gone.
    monkeypatch.undo()
    assert compliance_services.quarter_freeze(year=2026, quarter=3, user=olivia.user).pk


def test_a_freeze_that_fails_while_saving_stores_no_snapshot(olivia, monkeypatch):
    monkeypatch.setattr(
        QuarterSnapshot, "save", mock.Mock(side_effect=DatabaseError("simulated failure"))
    )

    with pytest.raises(DatabaseError):
        compliance_services.quarter_freeze(year=2026, quarter=3, user=olivia.user)

    monkeypatch.undo()
    assert not QuarterSnapshot.objects.exists()


# The new-year rollover


def test_a_rollover_whose_history_fails_to_write_creates_no_contact_point(
    alice, bob, olivia, monkeypatch
):
    for cadre in (alice, alice, bob):
        LiaisonAssignmentFactory(cadre=cadre, year=2026)
    # The points are inserted, then their history: it fails there, after every row is in.
    monkeypatch.setattr(
        HistoryManager,
        "bulk_history_create",
        mock.Mock(side_effect=DatabaseError("simulated failure")),
    )
    before = counts()

    with pytest.raises(DatabaseError):
        assignments_roll_over(from_year=2026, to_year=2027, user=olivia.user)

    assert counts() == before
    assert not LiaisonAssignment.objects.filter(year=2027).exists()
