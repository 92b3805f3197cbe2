"""The optional column 企业微信账号 of the sheet 机关干部: it sets each cadre's WeChat Work account
(kept in their login's UserPreference), for notifications and the activation link."""

import pytest

from tests.org_workbooks import HEADERS, build, good_rows
from unions.models import Cadre, UserPreference
from unions.org_import.points import org_import

pytestmark = pytest.mark.django_db


def run(rows, olivia, headers=None):
    return org_import(file=build(rows, headers=headers), user=olivia.user, year=2026)


def with_wecom(*userids):
    rows = good_rows()
    rows["机关干部"] = [
        [*row[:7], userid] for row, userid in zip(rows["机关干部"], userids, strict=True)
    ]
    return rows


def wecom_of(staff_number):
    user = Cadre.objects.get(staff_number=staff_number).user
    return UserPreference.objects.filter(user=user).values_list("wecom_userid", flat=True).first()


def test_new_cadres_get_their_wechat_work_account(olivia):
    result = run(with_wecom("ZhouChuzhang", ""), olivia)

    assert result.ok, result.issues
    assert wecom_of("XC1001") == "ZhouChuzhang"
    assert wecom_of("XC1002") is None  # empty: nothing set


def test_importing_again_changes_it_and_an_empty_cell_leaves_it(olivia):
    run(with_wecom("ZhouChuzhang", "WuKeyuan"), olivia)

    result = run(with_wecom("zhou.cz", ""), olivia)

    assert result.ok, result.issues
    assert (wecom_of("XC1001"), wecom_of("XC1002")) == ("zhou.cz", "WuKeyuan")


def test_a_bad_account_is_reported_by_its_cell_and_nothing_is_written(olivia):
    result = run(with_wecom("周 处长", ""), olivia)

    assert [(i.code, i.sheet, i.column, i.row) for i in result.issues] == [
        ("invalid", "机关干部", "企业微信账号", 2)
    ]
    assert not Cadre.objects.filter(staff_number__in=["XC1001", "XC1002"]).exists()
    assert not UserPreference.objects.exists()


def test_the_account_set_in_the_admin_stays_when_the_column_is_absent(olivia):
    run(good_rows(), olivia)
    user = Cadre.objects.get(staff_number="XC1001").user
    UserPreference.objects.filter(user=user).update(wecom_userid="SetInAdmin")

    without = {**HEADERS, "机关干部": HEADERS["机关干部"][:-1]}  # a workbook of before
    result = run(
        {**good_rows(), "机关干部": [r[:7] for r in good_rows()["机关干部"]]},
        olivia,
        headers=without,
    )

    assert result.ok, result.issues
    assert wecom_of("XC1001") == "SetInAdmin"
