import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_credit_code
from unions.validators import (
    CREDIT_CODE_CHARSET,
    credit_code_check_character,
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
