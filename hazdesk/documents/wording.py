"""The fields and fixed sentences of each document (domain.md §4.3), as reportlab flowables.

Fixed wording is written here as in the 2016 national templates (安监总政法〔2016〕72号), with the
应急 era's changes: "应急管理部门" in the copy line, 代字 应急检记/责改/复查/现决. Every value that
came from a person goes through ``Markup`` (escaping, fonts); fixed text is trusted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from hazdesk.documents.text import Markup

FONT_SIZE = 12
LEADING = 20
INDENT = 2 * FONT_SIZE  # 首行缩进两字
# reportlab collapses runs of ordinary and ideographic spaces; no-break spaces keep room to write in.
GAP = "&nbsp;" * 6
BLANK = "&nbsp;" * 24  # a line to sign on is drawn under this much space
DATE_BLANKS = f"{GAP}年{GAP}月{GAP}日"
COPY_LINE = "本文书一式两份：一份由应急管理部门备案，一份交{unit}。"
MAJOR_MARK = "（重大事故隐患）"
_STOPS = "。．.；;，, \n"  # a typed description's own full stop, before text is appended to it


class _DoubleRule(Flowable):
    """The thick-and-thin rule under 安全生产行政执法文书."""

    def wrap(self, available_width: float, _available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, 5

    def draw(self) -> None:
        self.canv.setLineWidth(1.6)
        self.canv.line(0, 4, self.width, 4)
        self.canv.setLineWidth(0.5)
        self.canv.line(0, 0.8, self.width, 0.8)


class _Styles:
    def __init__(self, font: str) -> None:
        self.font = font

        def style(name: str, **kw: Any) -> ParagraphStyle:
            base = {"fontName": font, "fontSize": FONT_SIZE, "leading": LEADING, "wordWrap": "CJK"}
            return ParagraphStyle(name, **(base | kw))

        self.header = style("header", fontSize=15, leading=20, alignment=TA_CENTER, spaceAfter=2)
        self.title = style("title", fontSize=22, leading=30, alignment=TA_CENTER, spaceBefore=10, spaceAfter=4)
        self.number = style("number", alignment=TA_RIGHT, spaceAfter=10)
        self.note = style("note", fontSize=10, leading=15, alignment=TA_RIGHT, spaceAfter=6)
        self.body = style("body", firstLineIndent=INDENT, alignment=TA_JUSTIFY)
        self.plain = style("plain", alignment=TA_JUSTIFY)
        self.item = style("item", leftIndent=INDENT, firstLineIndent=-FONT_SIZE * 1.5, alignment=TA_JUSTIFY)
        self.detail = style("detail", leftIndent=INDENT, fontSize=11, leading=16.5, alignment=TA_JUSTIFY)
        self.cell = style("cell", leading=18)
        self.right = style("right", alignment=TA_RIGHT)
        self.copy = style("copy", fontSize=10.5, leading=16, spaceBefore=10)


def cn_date(value: str | None) -> str:
    """2026-03-05 → 2026年3月5日; a missing date leaves the blanks to write in by hand."""
    if not value:
        return DATE_BLANKS
    day = dt.date.fromisoformat(value[:10])
    return f"{day.year}年{day.month}月{day.day}日"


def _cn_time(value: str, *, with_year: bool = True) -> str:
    moment = dt.datetime.fromisoformat(value)
    date = f"{moment.year}年" if with_year else ""
    return f"{date}{moment.month}月{moment.day}日{moment.hour}时{moment.minute:02d}分"


def build_story(snapshot: dict[str, Any], markup: Markup, font: str) -> list[Flowable]:
    styles = _Styles(font)
    story: list[Flowable] = [
        Paragraph("安全生产行政执法文书", styles.header),
        _DoubleRule(),
        Paragraph(snapshot["title"], styles.title),
        Paragraph(
            markup(snapshot["number"], "文书编号") if snapshot.get("number") else _blank_number(snapshot), styles.number
        ),
    ]
    supersedes = snapshot.get("supersedes")
    if supersedes:
        text = f"本文书更正并取代{markup(supersedes['number'], '被更正文书编号')}，原文书作废。"
        story.append(Paragraph(text, styles.note))
    _BODIES[snapshot["kind"]](snapshot, markup, styles, story)
    unit = "被复查单位" if snapshot["kind"] == "复查" else "被检查单位"
    story.append(Paragraph(COPY_LINE.format(unit=unit), styles.copy))
    return story


def _blank_number(snapshot: dict[str, Any]) -> str:
    short = snapshot["bureau"]["short_name"]
    year = (snapshot.get("issued_at") or snapshot.get("preview_on") or "")[:4] or GAP
    return f"（{escape(short)}）应急{snapshot['kind']}〔{year}〕{GAP}号"


def _addressee(snapshot: dict[str, Any], markup: Markup, styles: _Styles) -> Paragraph:
    return Paragraph(markup(snapshot["enterprise"]["name"], "被检查单位") + "：", styles.plain)


def _finding_line(index: int, finding: dict[str, Any], markup: Markup) -> str:
    location = finding.get("location") or ""
    text = f"{index}．"
    if location:
        text += markup(location, f"第{index}项隐患部位") + "："
    text += markup(finding["description"].rstrip(_STOPS), f"第{index}项隐患描述")
    if finding.get("severity") == "major":
        text += MAJOR_MARK
    return text


def _findings_list(
    snapshot: dict[str, Any], markup: Markup, styles: _Styles, *, details: bool, deadlines: bool
) -> list[Flowable]:
    out: list[Flowable] = []
    for index, finding in enumerate(snapshot["findings"], start=1):
        block: list[Flowable] = [Paragraph(_finding_line(index, finding, markup), styles.item)]
        if details and finding.get("legal_basis"):
            block.append(Paragraph("依据：" + markup(finding["legal_basis"], f"第{index}项依据"), styles.detail))
        if details and finding.get("measure"):
            block.append(Paragraph("整改措施：" + markup(finding["measure"], f"第{index}项整改措施"), styles.detail))
        if deadlines:
            block.append(Paragraph(f"整改完成时限：{cn_date(finding['deadline'])}前", styles.detail))
        out.append(KeepTogether(block))
    return out


def _deadline_sentence(findings: list[dict[str, Any]]) -> str:
    by_date: dict[str, list[int]] = {}
    for index, finding in enumerate(findings, start=1):
        by_date.setdefault(finding["deadline"], []).append(index)
    parts = [
        f"对上述第{'、'.join(str(i) for i in items)}项问题于{cn_date(day)}前整改完毕"
        for day, items in sorted(by_date.items())
    ]
    return (
        f"现责令你单位{'，'.join(parts)}，达到有关法律法规规章和标准规定的要求。"
        "由此造成事故的，依法追究有关人员的责任。"
    )


def _remedy(snapshot: dict[str, Any], markup: Markup, what: str) -> str:
    bureau = snapshot["bureau"]
    bodies = markup(bureau["review_government"], "复议机关")
    if bureau.get("review_department"):
        bodies += "或者" + markup(bureau["review_department"], "复议机关")
    court = markup(bureau["court"], "法院")
    return (
        f"如果不服本{what}，可以依法在60日内向{bodies}申请行政复议，或者在6个月内依法向{court}提起行政诉讼，"
        f"但本{what}不停止执行，法律另有规定的除外。"
    )


def _signatures(
    snapshot: dict[str, Any], markup: Markup, styles: _Styles, *, leader: str, seal: bool
) -> list[Flowable]:
    rows = [[Paragraph("安全生产监管行政执法人员（签名）：", styles.cell), "", ""]]
    for n, person in enumerate(snapshot["inspectors"], start=1):
        rows.append(
            [
                Paragraph(markup(person["name"], f"执法人员{n}姓名"), styles.cell),
                Paragraph("证号：" + markup(person["cert_no"], f"执法人员{n}证号"), styles.cell),
                Paragraph("签名：" + BLANK, styles.cell),
            ]
        )
    rows.append([Paragraph(f"{leader}（签名）：", styles.cell), "", Paragraph(BLANK, styles.cell)])
    rows.append(["", "", Paragraph(DATE_BLANKS, styles.right)])
    table = Table(rows, colWidths=[62 * mm, 52 * mm, 46 * mm], hAlign="LEFT")
    last_sign = len(snapshot["inspectors"])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), styles.font),  # empty cells too: no stray Helvetica
                ("SPAN", (0, 0), (-1, 0)),
                ("SPAN", (0, last_sign + 1), (1, last_sign + 1)),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (2, 1), (2, last_sign + 1), 0.6, "black"),
                ("LEFTPADDING", (0, 1), (0, last_sign), INDENT),
            ]
        )
    )
    block: list[Flowable] = [Spacer(1, 4 * mm), table]
    if seal:
        block += [
            Spacer(1, 6 * mm),
            Paragraph(markup(snapshot["bureau"]["name"], "机关名称") + "（印章）", styles.right),
            Paragraph(cn_date(snapshot.get("issued_at")), styles.right),
        ]
    return block


def _closing(last: Flowable, snapshot: dict[str, Any], markup: Markup, styles: _Styles, **kw: Any) -> Flowable:
    # The last paragraph stays on the page the officers sign: a sheet never holds signatures alone,
    # which could be attached to another text.
    kw.setdefault("leader", "被检查单位负责人")
    kw.setdefault("seal", True)
    # KeepTogether must not be nested: an inner one reports a huge height and forces a needless page.
    head = list(last._content) if isinstance(last, KeepTogether) else [last]
    return KeepTogether([*head, *_signatures(snapshot, markup, styles, **kw)])


def _record(snapshot: dict[str, Any], markup: Markup, styles: _Styles, story: list[Flowable]) -> None:
    """现场检查记录 (检记)."""
    ent, insp = snapshot["enterprise"], snapshot["inspection"]
    leader = insp.get("site_leader") or ent.get("legal_representative") or ""
    leader_title = insp.get("site_leader_title") or ("法定代表人" if not insp.get("site_leader") else "")
    phone = insp.get("site_leader_phone") or ent.get("phone") or ""
    span = _cn_time(insp["started_at"])
    if insp.get("ended_at"):
        span += "至" + _cn_time(insp["ended_at"], with_year=insp["ended_at"][:4] != insp["started_at"][:4])

    def cell(text: str, name: str) -> Paragraph:
        return Paragraph(markup(text, name), styles.cell)

    def label(text: str) -> Paragraph:
        return Paragraph(text, styles.cell)

    rows = [
        [label("被检查单位"), cell(ent["name"], "被检查单位"), "", ""],
        [label("地址"), cell(ent.get("address", ""), "地址"), "", ""],
        [label("法定代表人（负责人）"), cell(leader, "负责人"), label("职务"), cell(leader_title, "职务")],
        [label("联系电话"), cell(phone, "联系电话"), "", ""],
        [label("检查场所"), cell(insp.get("place") or ent.get("address", ""), "检查场所"), "", ""],
        [label("检查时间"), Paragraph(span, styles.cell), "", ""],
    ]
    table = Table(rows, colWidths=[47 * mm, 61 * mm, 16 * mm, 36 * mm])
    style = [("SPAN", (1, r), (3, r)) for r in (0, 1, 3, 4, 5)]
    style += [
        ("FONT", (0, 0), (-1, -1), styles.font),
        ("LINEBELOW", (1, 0), (-1, -1), 0.5, "black"),
        ("LINEBELOW", (2, 2), (2, 2), 0, "white"),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (0, -1), 0),
    ]
    table.setStyle(TableStyle(style))
    story.append(table)
    story.append(Spacer(1, 3 * mm))
    names = "、".join(markup(p["name"], f"执法人员{n}姓名") for n, p in enumerate(snapshot["inspectors"], 1))
    certs = "、".join(markup(p["cert_no"], f"执法人员{n}证号") for n, p in enumerate(snapshot["inspectors"], 1))
    story.append(
        Paragraph(
            f"我们是{markup(snapshot['bureau']['name'], '机关名称')}行政执法人员{names}，证件号码为{certs}，"
            "这是我们的证件（出示证件）。现依法对你单位进行现场检查，请予以配合。",
            styles.body,
        )
    )
    story.append(Paragraph("检查情况：", styles.plain))
    summary = insp.get("summary") or ""
    if summary:
        story.append(Paragraph(markup(summary, "检查情况"), styles.body))
    if snapshot["findings"]:
        story.append(Paragraph("检查发现下列问题：", styles.body))
        story.extend(_findings_list(snapshot, markup, styles, details=False, deadlines=False))
    elif not summary:
        story.append(Paragraph("未发现安全生产违法行为和事故隐患。", styles.body))
    # 检查记录 carries no seal (domain.md §4.4): the inspectors and the unit's 现场负责人 sign.
    story.append(_closing(story.pop(), snapshot, markup, styles, leader="被检查单位现场负责人", seal=False))


def _order(snapshot: dict[str, Any], markup: Markup, styles: _Styles, story: list[Flowable]) -> None:
    """责令限期整改指令书 (责改)."""
    story.append(_addressee(snapshot, markup, styles))
    story.append(Paragraph("经查，你单位存在下列问题：", styles.body))
    story.extend(_findings_list(snapshot, markup, styles, details=True, deadlines=True))
    story.append(Paragraph(_deadline_sentence(snapshot["findings"]), styles.body))
    story.append(
        Paragraph("整改期间，你单位应当采取措施，确保安全生产。对安全生产违法行为，将依法予以行政处罚。", styles.body)
    )
    story.append(_closing(Paragraph(_remedy(snapshot, markup, "指令"), styles.body), snapshot, markup, styles))


def _decision(snapshot: dict[str, Any], markup: Markup, styles: _Styles, story: list[Flowable]) -> None:
    """现场处理措施决定书 (现决)."""
    story.append(_addressee(snapshot, markup, styles))
    day = cn_date(snapshot["inspection"]["started_at"])
    story.append(Paragraph(f"本机关于{day}现场检查时，发现你单位有下列违法违规行为和事故隐患：", styles.body))
    story.extend(_findings_list(snapshot, markup, styles, details=False, deadlines=False))
    bases = list(dict.fromkeys(f["legal_basis"] for f in snapshot["findings"] if f.get("legal_basis")))
    basis = "、".join(markup(b, "处理依据") for b in bases) or "《中华人民共和国安全生产法》第六十五条第一款第（三）项"
    story.append(Paragraph(f"以上存在的问题无法保证安全生产，依据{basis}的规定，现作出如下现场处理决定：", styles.body))
    for index, finding in enumerate(snapshot["findings"], start=1):
        measure = finding.get("measure") or "立即排除该事故隐患"
        story.append(Paragraph(f"{index}．" + markup(measure, f"第{index}项处理决定"), styles.item))
    story.append(_closing(Paragraph(_remedy(snapshot, markup, "决定"), styles.body), snapshot, markup, styles))


def _review(snapshot: dict[str, Any], markup: Markup, styles: _Styles, story: list[Flowable]) -> None:
    """整改复查意见书 (复查)."""
    story.append(_addressee(snapshot, markup, styles))
    decisions = "、".join(
        f"于{cn_date(d['issued_on'])}作出了{d['title']}的决定［{markup(d['number'], '原文书编号')}］"
        for d in snapshot["prior_documents"]
    )
    story.append(Paragraph(f"本机关{decisions}，经对你单位整改情况进行复查，提出如下意见：", styles.body))
    for index, review in enumerate(snapshot["reviews"], start=1):
        text = _finding_line(index, review, markup)
        if review["result"] == "pass":
            text += f"——经{cn_date(review['reinspected_on'])}复查，已整改完毕，复查合格"
        else:
            text += f"——经{cn_date(review['reinspected_on'])}复查，未整改完毕，复查不合格"
        if review.get("note"):
            text += "（" + markup(review["note"].rstrip(_STOPS), f"第{index}项复查说明") + "）"
        if review["result"] != "pass":
            text += (
                f"，责令你单位于{cn_date(review['new_deadline'])}前整改完毕"
                if review.get("new_deadline")
                else "，责令你单位继续整改"
            )
        story.append(Paragraph(text + "。", styles.item))
    story.append(_closing(story.pop(), snapshot, markup, styles, leader="被复查单位负责人"))


_BODIES: dict[str, Callable[[dict[str, Any], Markup, _Styles, list[Flowable]], None]] = {
    "检记": _record,
    "责改": _order,
    "现决": _decision,
    "复查": _review,
}
