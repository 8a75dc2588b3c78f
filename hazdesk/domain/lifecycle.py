"""The life of a finding (隐患): its states, the moves between them, and its rectification deadline.

Stored codes are English and stable; the interface shows :func:`label` (Chinese first, English too).

States::

    pending ──企业报告已整改──▶ rectified ──复查合格──▶ closed (final)
       │  ▲                        │
       │  └──新的整改期限── failed ◀┘ 复查不合格
       └──到期复查（合格 → closed，不合格 → failed）

Product decisions (as product owner):

* **Re-inspection straight from 待整改 is allowed** (pending → closed, pending → failed).
  Inspectors go back on the deadline day whether or not the enterprise has reported, and a 立即整改
  item is often fixed while they are still on site; a forced "已整改" step would put words in the
  enterprise's mouth. But pending → failed is refused **before the deadline**: the enterprise still
  has time, so 复查不合格 would be premature. (rectified → failed before the deadline is fine: the
  enterprise claimed the work was done.)
* **复查不合格 is not an end state.** It goes back to 待整改 with a new deadline that is later than the
  old one and not before the re-inspection date (today). failed → closed is refused: if the hazard was
  fixed during that same visit, the inspector records 复查合格 instead of 不合格.
* **复查合格 (closed) is final; there is no reopen.** The 整改复查意见书 has been issued and the finding
  counted as 销号 in statistics; reopening would rewrite evidence. A hazard that comes back is a *new*
  finding with its own 责令限期整改指令书 and deadline (the UI can offer "copy as new finding").
* **Overdue is derived, never stored**, and only counts states where the enterprise still owes the
  work (pending, failed). A rectified finding waits for the inspector's re-inspection, so it is not
  held against the enterprise as overdue; the office sees it in the 待复查 list instead.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Literal

from hazdesk.errors import TransitionError, ValidationError


class FindingStatus(StrEnum):
    PENDING = "pending"  # 待整改
    RECTIFIED = "rectified"  # 已整改待复查
    CLOSED = "closed"  # 复查合格
    FAILED = "failed"  # 复查不合格


class Severity(StrEnum):
    GENERAL = "general"  # 一般隐患
    MAJOR = "major"  # 重大隐患


_LABELS_ZH: dict[StrEnum, str] = {
    FindingStatus.PENDING: "待整改",
    FindingStatus.RECTIFIED: "已整改待复查",
    FindingStatus.CLOSED: "复查合格",
    FindingStatus.FAILED: "复查不合格",
    Severity.GENERAL: "一般隐患",
    Severity.MAJOR: "重大隐患",
}

_LABELS_EN: dict[StrEnum, str] = {
    FindingStatus.PENDING: "Awaiting rectification",
    FindingStatus.RECTIFIED: "Rectified, awaiting re-inspection",
    FindingStatus.CLOSED: "Passed re-inspection",
    FindingStatus.FAILED: "Failed re-inspection",
    Severity.GENERAL: "General hazard",
    Severity.MAJOR: "Major hazard",
}


def label(value: FindingStatus | Severity, lang: Literal["zh", "en"] = "zh") -> str:
    """Display name of a status or severity (``lang="en"`` for the English interface)."""
    return (_LABELS_EN if lang == "en" else _LABELS_ZH)[value]


# Every allowed move; anything not listed here is refused by transition().
_ALLOWED: dict[FindingStatus, frozenset[FindingStatus]] = {
    FindingStatus.PENDING: frozenset({FindingStatus.RECTIFIED, FindingStatus.CLOSED, FindingStatus.FAILED}),
    FindingStatus.RECTIFIED: frozenset({FindingStatus.CLOSED, FindingStatus.FAILED}),
    FindingStatus.FAILED: frozenset({FindingStatus.PENDING}),
    FindingStatus.CLOSED: frozenset(),
}

_OWED_BY_ENTERPRISE = frozenset({FindingStatus.PENDING, FindingStatus.FAILED})


def allowed_targets(current: FindingStatus) -> frozenset[FindingStatus]:
    """States reachable in one step (the UI enables only these actions)."""
    return _ALLOWED[FindingStatus(current)]


def _refusal_reason(current: FindingStatus, target: FindingStatus) -> str:
    if current == target:
        return f"隐患已经是「{label(current)}」"
    if current is FindingStatus.CLOSED:
        return "复查合格的隐患已经销号，不能再改动；如再次发现同一问题，请登记为新的隐患"
    if current is FindingStatus.FAILED and target is FindingStatus.CLOSED:
        return "复查不合格后须先给出新的整改期限（改回「待整改」），再次复查合格后才能销号"
    if current is FindingStatus.RECTIFIED and target is FindingStatus.PENDING:
        return "企业已报告整改，须经复查判定合格或不合格"
    options = "、".join(f"「{label(s)}」" for s in sorted(_ALLOWED[current], key=list(FindingStatus).index))
    return f"「{label(current)}」只能改为{options}"


def transition(
    current: FindingStatus,
    target: FindingStatus,
    *,
    today: date,
    deadline: date | None = None,
    new_deadline: date | None = None,
) -> FindingStatus:
    """Check one lifecycle move and return the new state.

    ``deadline`` is the finding's current rectification deadline. It is needed to refuse a premature
    pending → failed and to check that failed → pending gets a *later* deadline; ``new_deadline`` is
    required for failed → pending and refused for any other move.
    """
    current, target = FindingStatus(current), FindingStatus(target)
    if target not in _ALLOWED[current]:
        raise TransitionError(
            f"不能从「{label(current)}」改为「{label(target)}」：{_refusal_reason(current, target)}。"
        )

    reopening = current is FindingStatus.FAILED and target is FindingStatus.PENDING
    if new_deadline is not None and not reopening:
        raise ValidationError(
            f"从「{label(current)}」改为「{label(target)}」不需要新的整改期限。", field="new_deadline"
        )

    if current is FindingStatus.PENDING and target is FindingStatus.FAILED:
        if deadline is None:
            raise ValueError("pending → failed needs the current deadline")  # caller bug, not user input
        if today < deadline:
            raise TransitionError(
                f"不能从「待整改」改为「复查不合格」：整改期限 {deadline.isoformat()} 还未到，"
                "企业仍在整改期内。"
            )

    if reopening:
        if new_deadline is None:
            raise TransitionError("从「复查不合格」改回「待整改」必须给出新的整改期限。")
        if deadline is None:
            raise ValueError("failed → pending needs the current deadline")  # caller bug, not user input
        if new_deadline <= deadline:
            raise ValidationError(
                f"新的整改期限 {new_deadline.isoformat()} 必须晚于原整改期限 {deadline.isoformat()}。",
                field="new_deadline",
            )
        if new_deadline < today:
            raise ValidationError(
                f"新的整改期限 {new_deadline.isoformat()} 不能早于复查日期 {today.isoformat()}。",
                field="new_deadline",
            )
    return target


# --- deadlines -------------------------------------------------------------------------------------

DeadlineChoice = Literal["immediate", 7, 15, 30] | date
"""立即 (= today), 7/15/30 days, or an explicit date chosen by the inspector."""

DEADLINE_DAYS: tuple[int, ...] = (7, 15, 30)


def deadline_for(choice: DeadlineChoice, today: date) -> date:
    """The rectification deadline for a choice made on ``today``."""
    if isinstance(choice, datetime):  # a datetime is a date too; drop the clock so comparisons stay by day
        choice = choice.date()
    if isinstance(choice, date):
        if choice < today:
            raise ValidationError(
                f"整改期限 {choice.isoformat()} 不能早于今天（{today.isoformat()}）。", field="deadline"
            )
        return choice
    if choice == "immediate":
        return today
    # bool is an int: refuse True/False explicitly rather than read them as 1/0 days
    if isinstance(choice, int) and not isinstance(choice, bool) and choice in DEADLINE_DAYS:
        return today + timedelta(days=choice)
    raise ValidationError(
        f"整改期限只能选择立即、7天、15天、30天或指定日期，收到的是「{choice}」。", field="deadline"
    )


def is_open(status: FindingStatus) -> bool:
    """Not yet 销号: anything but 复查合格."""
    return FindingStatus(status) is not FindingStatus.CLOSED


def is_overdue(status: FindingStatus, deadline: date, today: date) -> bool:
    """The enterprise still owes the rectification and the deadline day has passed.

    The deadline day itself is not overdue (指令书: "于…前整改完毕" is read as "by the end of that day").
    """
    return FindingStatus(status) in _OWED_BY_ENTERPRISE and deadline < today


def days_overdue(status: FindingStatus, deadline: date, today: date) -> int:
    """Whole days past the deadline; 0 when not overdue."""
    return (today - deadline).days if is_overdue(status, deadline, today) else 0


def is_due_soon(status: FindingStatus, deadline: date, today: date, within_days: int = 7) -> bool:
    """Still owed and due between today and ``within_days`` days from now, both ends included."""
    if within_days < 0:
        raise ValueError("within_days must not be negative")
    return FindingStatus(status) in _OWED_BY_ENTERPRISE and today <= deadline <= today + timedelta(
        days=within_days
    )
