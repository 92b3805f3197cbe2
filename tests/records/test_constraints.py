"""The structural rules the database itself enforces."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from records.models import Problem
from tests.factories import (
    CadreFactory,
    DepartmentFactory,
    GrassrootsUnionFactory,
    LiaisonAssignmentFactory,
    ProblemFactory,
    QuarterlyMeetingFactory,
    VisitRecordFactory,
)
from unions.models import LiaisonAssignment

pytestmark = pytest.mark.django_db


def refused(factory, **kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**kwargs)


def test_a_credit_code_belongs_to_one_union():
    union = GrassrootsUnionFactory()
    refused(GrassrootsUnionFactory, credit_code=union.credit_code)


def test_the_model_refuses_a_credit_code_with_a_wrong_check_character():
    union = GrassrootsUnionFactory.build(credit_code="91110000802100433C")
    with pytest.raises(ValidationError) as excinfo:
        union.full_clean()
    assert "credit_code" in excinfo.value.message_dict


def test_there_is_only_one_lead_department():
    DepartmentFactory(name="组织人事部", is_lead=True)
    refused(DepartmentFactory, name="另一个牵头部门", is_lead=True)


def test_a_staff_number_belongs_to_one_cadre():
    cadre = CadreFactory()
    refused(CadreFactory, staff_number=cadre.staff_number)


def test_a_record_cannot_count_negative_days():
    refused(VisitRecordFactory, days=Decimal("-0.5"))


def test_a_record_cannot_end_before_it_starts():
    refused(
        VisitRecordFactory,
        start_date=datetime.date(2026, 3, 10),
        end_date=datetime.date(2026, 3, 9),
    )


def test_days_come_in_half_day_steps():
    record = VisitRecordFactory.build(
        cadre=CadreFactory(), union=GrassrootsUnionFactory(), days=Decimal("0.3")
    )
    with pytest.raises(ValidationError) as excinfo:
        record.full_clean()
    assert "days" in excinfo.value.message_dict


def test_a_cadre_holds_a_union_once_a_year():
    assignment = LiaisonAssignmentFactory()
    refused(LiaisonAssignmentFactory, cadre=assignment.cadre, union=assignment.union, year=2026)
    LiaisonAssignmentFactory(cadre=assignment.cadre, union=assignment.union, year=2027)
    assert LiaisonAssignment.objects.count() == 2


def test_an_ended_assignment_says_why():
    refused(LiaisonAssignmentFactory, ended_at=datetime.date(2026, 6, 30), end_reason="")


def test_a_transferred_problem_names_its_department():
    refused(
        ProblemFactory,
        resolution=Problem.Resolution.TRANSFER,
        status=Problem.Status.TRANSFERRED,
        department=None,
    )
    ProblemFactory(
        resolution=Problem.Resolution.TRANSFER,
        status=Problem.Status.TRANSFERRED,
        department=DepartmentFactory(),
    )


def test_one_meeting_per_quarter():
    QuarterlyMeetingFactory(year=2026, quarter=3)
    refused(QuarterlyMeetingFactory, year=2026, quarter=3)


def test_a_quarter_is_one_to_four():
    refused(QuarterlyMeetingFactory, year=2026, quarter=5)
