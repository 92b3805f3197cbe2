"""`make bench --scale N`: the data set N times over in a bench database of its own, its
results beside the N=1 ones, and the report's side-by-side section. Nothing here builds more
than a few hundred rows: the scaled run itself is `make bench`'s, never the test suite's."""

import pytest
from django.db.models import F

from liaison.bench import data
from records.models import Notification, Problem, ProblemEvent, VisitRecord
from unions.models import Cadre, GrassrootsUnion

# --- The data set N times over ---------------------------------------------------------------


def test_ten_times_the_district_is_ten_times_its_cadres_unions_sheets_and_problems():
    x10 = data.DISTRICT.times(10)

    assert x10.name == "district-x10"
    assert (x10.cadres, x10.unions, x10.records, x10.problems) == (3000, 30_000, 1_000_000, 200_000)
    assert (x10.years, x10.seed) == (data.DISTRICT.years, data.DISTRICT.seed)


def test_once_is_the_data_set_itself_and_nothing_less_is_a_scale():
    assert data.DISTRICT.times(1) is data.DISTRICT
    assert data.QUICK.times(2).name == "quick-x2"
    with pytest.raises(ValueError):
        data.DISTRICT.times(0)


# --- A tiny build, streamed --------------------------------------------------------------------

TINY = data.Scale("tiny", cadres=16, unions=40, records=320, problems=40)


@pytest.mark.django_db
def test_a_tiny_build_has_exactly_its_sheets_and_problems_each_table_in_the_order_written(
    monkeypatch,
):
    # Batches of 50: the streaming (sheets, problems, and the steps waiting in their heap) is
    # what is tested, many batches over.
    monkeypatch.setattr(data, "BATCH", 50)
    data.Builder(TINY.times(2), say=lambda _message: None).build()

    filed = VisitRecord.objects.filed()
    assert Cadre.objects.count() == 32
    assert GrassrootsUnion.objects.count() == 80
    assert filed.count() == 640
    assert Problem.objects.count() == 80
    # Problems are raised on sheets marked so; a few sheets carry two.
    assert filed.filter(area_problems=True).count() == 80 - 80 // 13
    assert set(Problem.objects.values_list("record__area_problems", flat=True)) == {True}
    # No cadre files two sheets on one date.
    assert filed.values("cadre", "start_date").distinct().count() == 640
    # Rows in the order they happened, as a real table fills.
    for model, moment in (
        (VisitRecord, "created_at"),
        (Problem, "created_at"),
        (ProblemEvent, "at"),
        (Notification, "created_at"),
    ):
        moments = list(model.objects.order_by("pk").values_list(moment, flat=True))
        assert moments == sorted(moments), model.__name__
    # Every transferred problem's timeline starts with its raising; nothing comes before it.
    assert not ProblemEvent.objects.filter(at__lt=F("problem__created_at"))
    assert (
        ProblemEvent.objects.filter(action="raise").count()
        == Problem.objects.filter(resolution=Problem.Resolution.TRANSFER).count()
    )
