"""The unified social credit code (统一社会信用代码), GB 32100-2015: the registration authority
(1st character), the category (2nd), the administrative division of the registering office
(3rd to 8th), the organization code (9th to 17th, with its own check character by GB 11714) and
the code's check character (18th)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The 31 characters the standard allows: digits and capitals without I, O, Z, S, V.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORGANIZATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# The registration authorities (登记管理部门代码), and the categories (机构类别代码) under those
# whose list we are sure of; under the others any digit is accepted.
AUTHORITIES = "123456789ANY"
CATEGORIES = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 中央编办直接管理机构编制的群众团体, 其他
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "8": "19",  # 工会: 基层工会, 其他
    "9": "123",  # 工商: 企业, 个体工商户, 农民专业合作社
    "Y": "1",  # 其他
}


def credit_code_check_character(first17: str) -> str:
    """The 18th character for the first 17 (which must already be in the charset)."""
    total = sum(
        CREDIT_CODE_CHARSET.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def organization_code_check_character(body: str) -> str:
    """The 9th character of an organization code (GB 11714) for its first 8 (digits and
    capitals, a letter counting 10 for A to 35 for Z): 0-9 or X."""
    total = sum(
        int(char, 36) * weight for char, weight in zip(body, ORGANIZATION_CODE_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def credit_code_complete(first16: str) -> str:
    """The whole code for its first 16 characters: the organization code's check character,
    then the code's own."""
    first17 = first16 + organization_code_check_character(first16[8:16])
    return first17 + credit_code_check_character(first17)


def validate_credit_code(value: str) -> None:
    if len(value) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(length)s."),
            code="length",
            params={"length": len(value)},
        )
    bad = sorted({char for char in value if char not in CREDIT_CODE_CHARSET})
    if bad:
        raise ValidationError(
            _("A unified social credit code cannot contain %(chars)s."),
            code="charset",
            params={"chars": "、".join(bad)},
        )
    authority, category = value[0], value[1]
    if authority not in AUTHORITIES:
        raise ValidationError(
            _(
                "The 1st character of a unified social credit code is the registration "
                "authority: 1 to 9, A, N or Y, not %(char)s."
            ),
            code="authority",
            params={"char": authority},
        )
    if category not in CATEGORIES.get(authority, "0123456789"):
        raise ValidationError(
            _(
                "The 2nd character of a unified social credit code is the category: "
                "%(char)s is not one under registration authority %(authority)s."
            ),
            code="category",
            params={"char": category, "authority": authority},
        )
    if not value[2:8].isdigit():
        raise ValidationError(
            _("Characters 3 to 8 of a unified social credit code are the area code (digits)."),
            code="area",
        )
    if organization_code_check_character(value[8:16]) != value[16]:
        raise ValidationError(
            _(
                "Characters 9 to 17 of a unified social credit code are the organization "
                "code: its check character (the 17th) is wrong; please check it."
            ),
            code="organization-code",
        )
    if credit_code_check_character(value[:17]) != value[17]:
        raise ValidationError(
            _("The check character of this unified social credit code is wrong; please check it."),
            code="check",
        )


# A mainland China mobile number (手机号): 11 digits, the first a 1 and the second 3 to 9.
MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def validate_mainland_mobile(value: str) -> None:
    if not MAINLAND_MOBILE.match(value):
        raise ValidationError(
            _("Enter a mainland mobile number: 11 digits starting with 1, e.g. 13812345678."),
            code="mobile",
        )


# A WeChat Work (企业微信) member's account (userid): letters, digits and _-.@, 1 to 64.
WECOM_USERID = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


def validate_wecom_userid(value: str) -> None:
    if not WECOM_USERID.match(value):
        raise ValidationError(
            _(
                "A WeChat Work account is 1 to 64 letters, digits or the characters _ - . @ "
                "(as shown in the WeChat Work address book)."
            ),
            code="wecom_userid",
        )
