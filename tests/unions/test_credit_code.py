import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_credit_code
from unions.validators import (
    CREDIT_CODE_CHARSET,
    credit_code_check_character,
    credit_code_complete,
    organization_code_check_character,
    validate_credit_code,
)

# Published codes of real organizations (from their public registrations).
REAL_CODES = [
    "91110000802100433B",  # 中国石油化工股份有限公司
    "11100000000013127D",  # 中华人民共和国国家发展和改革委员会
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_accepted(code):
    validate_credit_code(code)


def test_generated_demo_codes_are_accepted():
    for n in range(200):
        validate_credit_code(make_credit_code(n))


def test_check_character_is_computed_from_the_weights():
    assert credit_code_check_character("91110000802100433") == "B"


@pytest.mark.parametrize("position", range(18))
def test_every_one_character_corruption_is_refused(position):
    code = REAL_CODES[0]
    for replacement in CREDIT_CODE_CHARSET:
        if replacement == code[position]:
            continue
        corrupted = code[:position] + replacement + code[position + 1 :]
        with pytest.raises(ValidationError):
            validate_credit_code(corrupted)


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("91110000802100433", "length"),
        ("91110000802100433BB", "length"),
        ("91110000802100433b", "charset"),
        ("9111000080210043IB", "charset"),
        ("91AB0000802100433B", "area"),
    ],
)
def test_malformed_codes_say_what_is_wrong(code, error_code):
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(code)
    assert excinfo.value.code == error_code


def test_the_message_is_in_chinese():
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as excinfo:
        validate_credit_code("91110000802100433C")
    assert "校验" in excinfo.value.messages[0]


def code_of(first16: str) -> str:
    return credit_code_complete(first16)


# One valid code of every registration authority the standard names, A, N and Y included.
EACH_AUTHORITY = [
    "11110102" + "00001312",  # 机构编制: 机关
    "21110102" + "00001312",  # 外交
    "31110102" + "00001312",  # 司法行政
    "41110102" + "00001312",  # 文化
    "51110102" + "00001312",  # 民政: 社会团体
    "61110102" + "00001312",  # 旅游
    "71110102" + "00001312",  # 宗教
    "81110102" + "00001312",  # 工会: 基层工会
    "93110102" + "MA01A000",  # 工商: 农民专业合作社
    "A1110102" + "00001312",  # 中央军委改革和编制办公室
    "N2110102" + "00001312",  # 农业
    "Y1110102" + "00001312",  # 其他
]


@pytest.mark.parametrize("first16", EACH_AUTHORITY)
def test_a_code_of_every_registration_authority_is_accepted(first16):
    validate_credit_code(code_of(first16))


def test_the_standards_own_example_is_accepted():
    validate_credit_code("91350100M000100Y43")  # GB 32100-2015, its example
    assert organization_code_check_character("M000100Y") == "4"


@pytest.mark.parametrize(
    ("first16", "error_code", "words"),
    [
        ("B1110102" + "00001312", "authority", "登记管理部门"),
        ("01110102" + "00001312", "authority", "登记管理部门"),
        ("9A110102" + "00001312", "category", "机构类别"),
        ("14110102" + "00001312", "category", "机构类别"),
        ("94110102" + "00001312", "category", "机构类别"),
        ("54110102" + "00001312", "category", "机构类别"),
        ("Y2110102" + "00001312", "category", "机构类别"),
        ("9111A102" + "00001312", "area", "行政区划码"),
    ],
)
def test_an_impossible_part_is_named_in_the_message(first16, error_code, words):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as excinfo:
        validate_credit_code(code_of(first16))
    assert excinfo.value.code == error_code
    assert words in excinfo.value.messages[0]


def test_a_wrong_organization_code_check_is_refused_even_with_a_right_last_character():
    from django.utils import translation

    first17 = "91110102" + "00001312" + "8"  # the organization code's check is 7
    with translation.override("zh-hans"), pytest.raises(ValidationError) as excinfo:
        validate_credit_code(first17 + credit_code_check_character(first17))
    assert excinfo.value.code == "organization-code"
    assert "组织机构代码" in excinfo.value.messages[0]
