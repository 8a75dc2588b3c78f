"""Kinds of on-site inspection (检查类型): the one list every screen and report labels them from.

``followup`` is an inspection made to re-inspect earlier findings (复查检查); ``complaint`` checks a
report from the public (举报核查). Unknown codes (from a newer hazdesk, through sync) show as they are.
"""

from __future__ import annotations

INSPECTION_KINDS: dict[str, str] = {
    "routine": "日常检查",
    "special": "专项检查",
    "followup": "复查检查",
    "complaint": "举报核查",
    "joint": "联合检查",
    "night": "夜间检查",
}


def inspection_kind_text(code: str) -> str:
    """The Chinese label of a kind code (the code itself when unknown)."""
    return INSPECTION_KINDS.get(code, code)
