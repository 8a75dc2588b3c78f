"""统一社会信用代码 (GB 32100-2015): check digit, normalisation and every kind of error message."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hazdesk.domain import uscc
from hazdesk.errors import ValidationError

VALID = "91350100M000100Y43"  # the GB annex example with its correct check character


def _error(code: str) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        uscc.validate(code)
    assert info.value.field == "uscc"
    return info.value


def test_gb_annex_example() -> None:
    assert uscc.check_character("91350100M000100Y4") == "3"
    assert str(_error("91350100M000100Y4Z")) == "校验码应为 3，实际为 Z"
    assert uscc.validate(VALID) == VALID
    assert uscc.is_valid(VALID)
    assert not uscc.is_valid("91350100M000100Y4Z")


def test_weights_are_powers_of_three_mod_31() -> None:
    assert uscc._WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.mark.parametrize(
    "typed",
    [
        " 91350100M000100Y43 ",
        "91350100m000100y43",
        "９１３５０１００Ｍ０００１００Ｙ４３",
        "9135 0100 M000 100Y 43",
    ],
)
def test_normalisation(typed: str) -> None:
    assert uscc.validate(typed) == VALID


def test_empty() -> None:
    assert str(_error("")) == "统一社会信用代码为空"
    assert str(_error("   ")) == "统一社会信用代码为空"


def test_wrong_length_gives_the_length() -> None:
    assert str(_error("91350100M000100Y4")) == "统一社会信用代码应为 18 位，实际为 17 位"
    assert "实际为 19 位" in str(_error(VALID + "1"))


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_never_used_letters_are_named_with_position(letter: str) -> None:
    code = VALID[:9] + letter + VALID[10:]
    message = str(_error(code))
    assert f"第10位字符“{letter}”" in message
    assert "I、O、S、V、Z" in message


def test_other_illegal_character() -> None:
    assert str(_error("91350100M0-0100Y43")) == "第11位字符“-”不是数字或大写字母"
    assert "第1位字符“中”" in str(_error("中1350100M000100Y43"))


def test_region_must_be_digits() -> None:
    message = str(_error("9135A100M000100Y43"))
    assert "第3–8位" in message and "第5位是“A”" in message


def test_check_character_rejects_bad_bodies() -> None:
    with pytest.raises(ValidationError, match="17 位"):
        uscc.check_character("9135")
    with pytest.raises(ValidationError, match="第9位字符“O”"):
        uscc.check_character("91350100O000100Y4")


def test_describe() -> None:
    assert uscc.describe(VALID) == "工商/市场监管登记·企业；行政区划码 350100"
    body = "52110000MJ0000000"
    assert uscc.describe(body + uscc.check_character(body)).startswith("民政登记·民办非企业单位")
    body = "B1110000MJ0000000"
    assert "未列入" in uscc.describe(body + uscc.check_character(body))


_CHARS = st.sampled_from(uscc.ALPHABET)
_DIGITS = st.sampled_from("0123456789")
_BODIES = st.tuples(
    st.text(_CHARS, min_size=2, max_size=2),
    st.text(_DIGITS, min_size=6, max_size=6),
    st.text(_CHARS, min_size=9, max_size=9),
).map("".join)


@given(_BODIES)
def test_body_plus_check_character_validates_and_any_other_18th_fails(body: str) -> None:
    check = uscc.check_character(body)
    assert uscc.validate(body + check) == body + check
    for other in uscc.ALPHABET:
        if other != check:
            assert str(_error(body + other)) == f"校验码应为 {check}，实际为 {other}"
