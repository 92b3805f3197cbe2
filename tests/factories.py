"""factory_boy factories, one per model. Credit codes are generated valid (GB 32100-2015)."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from liaison.boards import receipts
from liaison.models import Opinion, QuarterlyMeeting, QuarterSnapshot
from records.models import (
    Attachment,
    CalendarDay,
    ContactForm,
    Problem,
    ProblemEvent,
    ResearchTopic,
    VisitRecord,
)
from unions.models import Cadre, Department, GrassrootsUnion, LiaisonAssignment, Street
from unions.roles import Role
from unions.validators import credit_code_complete

PASSWORD = "Liaison-test-2026"


def make_credit_code(n: int) -> str:
    """A valid unified social credit code (an enterprise of Xicheng), distinct for every n
    below 10**8: n is the organization code's body, its check character follows (GB 11714)."""
    return credit_code_complete(f"91110102{n % 10**8:08d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*(Group.objects.get(name=Role(r).group_name) for r in extracted))
        if create:
            self.save()


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"部室{n}")
    order = factory.Sequence(lambda n: n)
    units_per_cadre = 2


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    user = factory.SubFactory(UserFactory, roles=[Role.CADRE])
    name = factory.Sequence(lambda n: f"干部{n}")
    staff_number = factory.Sequence(lambda n: f"XC{n:05d}")
    department = factory.SubFactory(DepartmentFactory)
    rank = Cadre.Rank.STAFF
    title = "科员"
    phone = "010-66000000"


class GrassrootsUnionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrassrootsUnion

    name = factory.Sequence(lambda n: f"基层工会{n}")
    credit_code = factory.Sequence(make_credit_code)
    kind = GrassrootsUnion.Kind.DIRECT
    street = Street.XINJIEKOU
    member_count = 50


class LiaisonAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiaisonAssignment

    cadre = factory.SubFactory(CadreFactory)
    union = factory.SubFactory(GrassrootsUnionFactory)
    year = 2026

    @classmethod
    def _create(cls, model_class, *args, assigned_at=None, **kwargs):
        """Assigned at the start of its year (or now, for a later year), unless told: the field
        is auto_now_add, so the time is written after the save."""
        point = super()._create(model_class, *args, **kwargs)
        if assigned_at is None:
            start = timezone.make_aware(datetime.datetime(point.year, 1, 1, 9))
            assigned_at = min(start, timezone.now())
        model_class.objects.filter(pk=point.pk).update(assigned_at=assigned_at)
        point.assigned_at = assigned_at
        return point


class VisitRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitRecord

    cadre = factory.SubFactory(CadreFactory)
    union = factory.SubFactory(GrassrootsUnionFactory)
    start_date = datetime.date(2026, 3, 10)
    end_date = factory.SelfAttribute("start_date")
    days = Decimal("1.0")
    contact_form = ContactForm.ON_SITE
    area_needs = True
    questions_prepared = "职工对食堂和通勤有什么意见？"
    people_met = "工会主席、一线职工代表"
    workers_met = 8
    transport_accepted = False
    gifts_accepted = False
    banquet_accepted = False
    status = VisitRecord.Status.FILED


class ProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Problem

    record = factory.SubFactory(VisitRecordFactory)
    description = "职工反映加班费计算不清"
    category = Problem.Category.WAGES
    resolution = Problem.Resolution.ON_SPOT
    status = Problem.Status.CLOSED


class ProblemEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProblemEvent

    problem = factory.SubFactory(ProblemFactory)
    action = "raise"
    to_status = Problem.Status.RAISED


class CalendarDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarDay
        django_get_or_create = ("date",)

    date = datetime.date(2026, 10, 1)
    is_working_day = False


class QuarterlyMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuarterlyMeeting

    year = 2026
    quarter = 3
    date = datetime.date(2026, 9, 25)


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    record = factory.SubFactory(VisitRecordFactory)
    file = factory.django.FileField(filename="sign-in.pdf", data=b"%PDF-1.4 test")
    original_name = "签到表.pdf"
    content_type = "application/pdf"
    size = 13
    uploaded_by = factory.SelfAttribute("record.cadre.user")


class OpinionFactory(factory.django.DjangoModelFactory):
    """A worker's opinion left on a union's public page."""

    class Meta:
        model = Opinion

    class Params:
        # The receipt code in clear (the row keeps its hash): OpinionFactory(receipt="7KQ2-…").
        receipt = None

    union = factory.SubFactory(GrassrootsUnionFactory)
    text = "食堂晚上能不能多开一个窗口？"
    category = Problem.Category.WELFARE
    address_hash = factory.Sequence(lambda n: f"{n:064x}")
    receipt_hash = factory.LazyAttribute(lambda o: o.receipt and receipts.receipt_hash(o.receipt))


class QuarterSnapshotFactory(factory.django.DjangoModelFactory):
    """A frozen quarter; its rows are empty unless given (`quarter_freeze` makes real ones)."""

    class Meta:
        model = QuarterSnapshot

    year = 2026
    quarter = 3
    as_of = datetime.date(2026, 9, 30)
    timely_days = 7
    frozen_by = factory.SubFactory(UserFactory)


class ResearchTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResearchTopic
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"新就业形态劳动者权益调研{n}")
    question = "快递员、外卖骑手的休息和保障情况如何？"
    starts_on = datetime.date(2026, 7, 1)
    ends_on = datetime.date(2026, 12, 31)
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def departments(self, create, extracted, **kwargs):
        if create and extracted:
            self.departments.set(extracted)
