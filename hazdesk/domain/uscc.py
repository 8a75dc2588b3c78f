"""统一社会信用代码 (GB 32100-2015): normalise, check and describe the 18-character code.

Layout: 1 登记管理部门 · 2 机构类别 · 3–8 行政区划码 · 9–17 主体标识码 · 18 校验码.
The check character is C18 = (31 − Σ Ci·Wi mod 31) mod 31 with Wi = 3^(i−1) mod 31.
Positions 1–2 are not rejected when they are outside the GB tables: :func:`describe` only says so,
because new department codes have been added over the years and a strict list would refuse real codes.
"""

from __future__ import annotations

import unicodedata

from hazdesk.errors import ValidationError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 symbols; I, O, S, V, Z are never used
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_WEIGHTS = tuple(
    pow(3, i, 31) for i in range(17)
)  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
_NEVER_USED = "IOSVZ"
_FIELD = "uscc"

# Position 1 → (登记管理部门, {position 2 → 机构类别}), from GB 32100-2015 as quoted in domain.md §6.1.
_DEPARTMENTS: dict[str, tuple[str, dict[str, str]]] = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": (
        "旅游",
        {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地(大陆)代表机构", "9": "其他"},
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商/市场监管", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": ("农业", {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"}),
    "Y": ("其他", {"1": "其他"}),
}


def normalize(code: str) -> str:
    """Full-width → half-width (NFKC), upper-case, and drop spaces anywhere (pasted codes often have them)."""
    return "".join(unicodedata.normalize("NFKC", code).split()).upper()


def _check_value(body: str) -> int:
    return (31 - sum(_VALUE[ch] * w for ch, w in zip(body, _WEIGHTS, strict=True)) % 31) % 31


def _first_bad_character(code: str) -> None:
    for position, ch in enumerate(code, start=1):
        if ch in _NEVER_USED:
            raise ValidationError(
                f"第{position}位字符“{ch}”不可用：统一社会信用代码不使用 I、O、S、V、Z", field=_FIELD
            )
        if ch not in _VALUE:
            raise ValidationError(f"第{position}位字符“{ch}”不是数字或大写字母", field=_FIELD)


def check_character(first17: str) -> str:
    """The 18th character for the first 17."""
    body = normalize(first17)
    if len(body) != 17:
        raise ValidationError(f"计算校验码需要前 17 位，实际为 {len(body)} 位", field=_FIELD)
    _first_bad_character(body)
    return ALPHABET[_check_value(body)]


def validate(code: str) -> str:
    """The normalised code, or :class:`ValidationError` saying exactly what is wrong."""
    if not isinstance(code, str):
        raise ValidationError(f"统一社会信用代码应为文字，实际为 {code!r}", field=_FIELD)
    text = normalize(code)
    if not text:
        raise ValidationError("统一社会信用代码为空", field=_FIELD)
    if len(text) != 18:
        raise ValidationError(f"统一社会信用代码应为 18 位，实际为 {len(text)} 位", field=_FIELD)
    # the 18th character is judged against the check value alone: the GB annex example ends in "Z", and
    # "校验码应为 3，实际为 Z" says more than "Z is never used"
    _first_bad_character(text[:17])
    if not text[2:8].isdigit():
        position, ch = next((i, c) for i, c in enumerate(text[2:8], start=3) if not c.isdigit())
        raise ValidationError(
            f"第3–8位（登记管理机关行政区划码）应为数字，第{position}位是“{ch}”", field=_FIELD
        )
    expected = ALPHABET[_check_value(text[:17])]
    if text[17] != expected:
        raise ValidationError(f"校验码应为 {expected}，实际为 {text[17]}", field=_FIELD)
    return text


def is_valid(code: str) -> bool:
    try:
        validate(code)
    except ValidationError:
        return False
    return True


def describe(code: str) -> str:
    """Soft information from a valid code: department, category and the 行政区划码 (not checked here)."""
    text = validate(code)
    department = _DEPARTMENTS.get(text[0])
    if department is None:
        return f"登记管理部门代码 {text[0]} 未列入 GB 32100 表；行政区划码 {text[2:8]}"
    name, categories = department
    category = categories.get(text[1], f"机构类别代码 {text[1]} 未列入")
    return f"{name}登记·{category}；行政区划码 {text[2:8]}"
