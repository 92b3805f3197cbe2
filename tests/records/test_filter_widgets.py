"""The filter bars' select (records.forms.QuickSelect) and their choices of cadres and
departments (NameChoiceField): the same HTML as Django's Select, in one pass."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from records.forms import NameChoiceField, QuickSelect
from tests.factories import CadreFactory
from unions.models import Cadre

pytestmark = pytest.mark.django_db


def test_the_quick_select_writes_the_options_of_djangos_select():
    choices = [("", "全部"), ("a", "甲 & 乙"), ("b", '"引号"'), ("a", "重复")]
    html = QuickSelect(choices=choices).render("kind", "a", attrs={"id": "id_kind"})

    assert html == (
        '<select name="kind" id="id_kind">'
        '<option value="">全部</option>'
        '<option value="a" selected>甲 &amp; 乙</option>'
        '<option value="b">&#34;引号&#34;</option>'
        # As Django's Select: only the first option of the value is selected.
        '<option value="a">重复</option>'
        "</select>"
    )


def test_the_quick_select_leaves_option_groups_to_djangos_select():
    choices = [("甲组", [("1", "一")]), ("2", "二")]

    html = QuickSelect(choices=choices).render("n", "1")

    assert '<optgroup label="甲组">' in html
    assert html == forms.Select(choices=choices).render("n", "1")


def test_name_choices_are_read_in_one_query_and_an_id_outside_them_is_refused():
    mine, other = CadreFactory(name="张三"), CadreFactory(name="李四")

    class Filter(forms.Form):
        cadre = NameChoiceField(
            queryset=Cadre.objects.filter(pk=mine.pk), required=False, empty_label="全部"
        )

    form = Filter({"cadre": str(mine.pk)})
    form.fields["cadre"].widget.__class__ = QuickSelect
    assert form.is_valid() and form.cleaned_data["cadre"] == mine
    with CaptureQueriesContext(connection) as queries:
        html = str(form["cadre"])

    assert len(queries) == 1, [q["sql"] for q in queries]  # (id, name) pairs; no count
    assert f'<option value="{mine.pk}" selected>张三</option>' in html
    refused = Filter({"cadre": str(other.pk)})
    assert not refused.is_valid() and "cadre" in refused.errors
