"""Document PDFs read back as a person or a machine would: pdftotext, pdffonts, pdftoppm + zbarimg."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest

from hazdesk.documents import issue_document, preview_document
from hazdesk.documents.fonts import FontSet, find_fonts, load_face
from hazdesk.documents.text import NO_LINE_START
from hazdesk.errors import HazdeskError, ValidationError
from hazdesk.store.models import Document, DocumentCounter
from tests.conftest import require_tool
from tests.core.test_documents_support import ISSUED_AT, make_inspection, ready_database, reinspect_all

HOSTILE = ["<b>华联</b>&化工有限公司", "AT&T化工（南京）有限公司", "南京&lt;东方&gt;化工厂"]


def text_of(pdf: Path, *, layout: bool = False, page: int | None = None) -> str:
    tool = require_tool("pdftotext")
    args = [tool, "-enc", "UTF-8"] + (["-layout"] if layout else [])
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def page_count(pdf: Path) -> int:
    info = subprocess.run([require_tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def squeeze(text: str) -> str:
    """pdftotext breaks lines where the PDF does: compare without line breaks and indentation."""
    return re.sub(r"\s+", "", text)


@pytest.fixture
def ready(database):
    ready_database(database)
    return database


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_enterprise_names_print_exactly_as_typed(ready, tmp_path: Path, name: str) -> None:
    inspection = make_inspection(ready, enterprise_name=name)
    issued = issue_document(ready, inspection, "责改", now=ISSUED_AT, out=tmp_path / "d.pdf")
    text = squeeze(text_of(tmp_path / "d.pdf"))
    assert squeeze(name) in text
    assert squeeze(issued.number_text) in text
    assert issued.number_text == "（宁江）应急责改〔2026〕A1号"


def test_order_prints_number_each_finding_and_its_deadline(ready, tmp_path: Path) -> None:
    inspection = make_inspection(ready, findings=4)
    pdf = tmp_path / "order.pdf"
    issue_document(ready, inspection, "责改", now=ISSUED_AT, out=pdf)
    text = squeeze(text_of(pdf))
    assert "（宁江）应急责改〔2026〕A1号" in text
    assert "甲醇储罐防火堤内有积油和杂物" in text and "液化烃装车鹤位未设置静电接地报警装置" in text
    for deadline in ("2026年3月5日前", "2026年3月20日前", "2026年4月4日前"):
        assert f"整改完成时限：{deadline}" in text
    assert "现责令你单位对上述第1项问题于2026年3月5日前整改完毕，对上述第2、3项问题于2026年3月20日前" in text
    assert "张伟" in text and "32011520190023" in text and "李静" in text and "32011520200117" in text
    assert "60日内向南京市江宁区人民政府或者南京市应急管理局申请行政复议" in text
    assert "6个月内依法向南京铁路运输法院提起行政诉讼" in text
    assert "南京市江宁区应急管理局（印章）" in text and "2026年3月5日" in text
    assert "本文书一式两份" in text and "安全生产行政执法文书" in text


def test_every_kind_prints_its_fixed_wording(ready, tmp_path: Path) -> None:
    inspection = make_inspection(ready, findings=2)
    expected = {
        "检记": ["现场检查记录", "这是我们的证件（出示证件）", "检查时间", "被检查单位现场负责人（签名）"],
        "现决": ["现场处理措施决定书", "现作出如下现场处理决定", "但本决定不停止执行"],
        "责改": ["责令限期整改指令书", "整改期间，你单位应当采取措施，确保安全生产"],
    }
    for kind, phrases in expected.items():
        issue_document(ready, inspection, kind, now=ISSUED_AT, out=tmp_path / f"{kind}.pdf")
        text = squeeze(text_of(tmp_path / f"{kind}.pdf"))
        for phrase in phrases:
            assert phrase in text, (kind, phrase)
    reinspect_all(ready, inspection, on=dt.date(2026, 3, 20))
    issue_document(ready, inspection, "复查", now=dt.datetime(2026, 3, 20, 16, 0), out=tmp_path / "r.pdf")
    text = squeeze(text_of(tmp_path / "r.pdf"))
    assert "整改复查意见书" in text and "（宁江）应急复查〔2026〕A1号" in text
    assert "作出了责令限期整改指令书的决定［（宁江）应急责改〔2026〕A1号］" in text
    assert "复查不合格" in text and "责令你单位于2026年3月30日前整改完毕" in text and "复查合格" in text
    assert "一份交被复查单位" in text


def test_font_is_embedded_as_a_subset_and_nothing_else_is_used(ready, tmp_path: Path) -> None:
    inspection = make_inspection(ready)
    issue_document(ready, inspection, "检记", now=ISSUED_AT, out=tmp_path / "d.pdf")
    out = subprocess.run([require_tool("pdffonts"), str(tmp_path / "d.pdf")], capture_output=True, text=True).stdout
    rows = out.strip().splitlines()[2:]
    assert rows
    for row in rows:
        emb, sub = row.split()[-5:-3]
        assert (emb, sub) == ("yes", "yes"), row
        assert "+" in row.split()[0]  # a subset name (AAAAAA+…)


def test_more_findings_make_real_continuation_pages_numbered_x_of_y(ready, tmp_path: Path) -> None:
    pages = []
    for n in (1, 12, 30):
        inspection = make_inspection(ready, findings=n)
        pdf = tmp_path / f"{n}.pdf"
        issued = issue_document(ready, inspection, "责改", now=ISSUED_AT, out=pdf)
        total = page_count(pdf)
        assert issued.pages == total
        pages.append(total)
        for page in range(1, total + 1):
            text = squeeze(text_of(pdf, page=page))
            assert f"第{page}页共{total}页" in text
            if page > 1:
                assert "责令限期整改指令书（续页）" in text and issued.number_text in text
        whole = squeeze(text_of(pdf))
        assert whole.count("整改完成时限") == n
        assert f"{n}．" in whole
    assert pages[0] < pages[1] < pages[2]


def test_qr_code_on_every_page_decodes_to_the_stored_id_and_hash(ready, tmp_path: Path) -> None:
    zbarimg = require_tool("zbarimg")
    pdftoppm = require_tool("pdftoppm")
    inspection = make_inspection(ready, findings=12)
    pdf = tmp_path / "d.pdf"
    issued = issue_document(ready, inspection, "责改", now=ISSUED_AT, out=pdf)
    subprocess.run([pdftoppm, "-png", "-r", "200", str(pdf), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == issued.pages >= 2
    with ready.session() as session:
        stored = session.get(Document, issued.id)
    for image in images:
        out = subprocess.run([zbarimg, "-q", "--raw", str(image)], capture_output=True, text=True).stdout.strip()
        assert out == f"HZDOC1:{stored.id}:{issued.snapshot_sha256}"
    from hazdesk.documents.content import snapshot_sha256

    assert snapshot_sha256(stored.snapshot) == issued.snapshot_sha256


def _punctuation_torture() -> str:
    # Clauses of every length 1–9 before each mark, so some line of a 150 mm column ends right before a
    # mark whatever the font's advance widths; ）。 and ”， pairs test two marks in a row.
    marks = ["，", "。", "、", "；", "：", "？", "！", "）。", "”，", "》、"]
    words = "检查储罐区防火堤排水阀可燃气体报警器静电接地装置中控室值班记录"
    parts = []
    for n in range(120):
        length = 1 + n % 9
        start = (n * 7) % (len(words) - length)
        prefix = "（" if n % 5 == 0 else ("“" if n % 7 == 0 else "")
        parts.append(prefix + words[start : start + length] + marks[n % len(marks)])
    return "".join(parts)


def test_chinese_punctuation_never_starts_a_line(ready, tmp_path: Path) -> None:
    inspection = make_inspection(ready, findings=3, summary=_punctuation_torture())
    pdf = tmp_path / "d.pdf"
    issue_document(ready, inspection, "检记", now=ISSUED_AT, out=pdf)
    lines = [line.strip() for line in text_of(pdf, layout=True).splitlines() if line.strip()]
    assert len(lines) > 40
    offenders = [line for line in lines if line[0] in "，。、；：？！）」』》”"]
    assert offenders == []
    assert all(c in NO_LINE_START for c in "，。、；：？！）」』》")


def test_unprintable_rare_character_is_refused_naming_field_and_character(ready, tmp_path: Path) -> None:
    fonts = find_fonts()
    if fonts.main.has("𠮷") or fonts.extension is not None:
        pytest.skip("this machine has a font with 𠮷; the refusal path cannot be seen")
    inspection = make_inspection(ready, enterprise_name="南京𠮷祥化工有限公司")
    with pytest.raises(ValidationError, match=r"“被检查单位”中的字符“𠮷”（U\+20BB7）"):
        issue_document(ready, inspection, "责改", now=ISSUED_AT, out=tmp_path / "d.pdf", fonts=fonts)
    assert not (tmp_path / "d.pdf").exists()
    with ready.session() as session:
        assert session.query(Document).count() == 0
    # A preview still renders and says which character will not print.
    preview = preview_document(ready, inspection, "责改", today=dt.date(2026, 3, 5))
    assert preview.pdf.startswith(b"%PDF") and any("𠮷" in w for w in preview.warnings)


def _font_with_rare_character(path: Path) -> Path:
    """A one-glyph TrueType font holding 𠮷 (U+20BB7), like SimSun-ExtB does on Windows."""
    fontbuilder = pytest.importorskip("fontTools.fontBuilder")
    pens = pytest.importorskip("fontTools.pens.ttGlyphPen")

    def square() -> object:
        pen = pens.TTGlyphPen(None)
        for a, b in ((100, 0), (100, 800), (900, 800), (900, 0)):
            (pen.moveTo if (a, b) == (100, 0) else pen.lineTo)((a, b))
        pen.closePath()
        return pen.glyph()

    builder = fontbuilder.FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "u20BB7"])
    builder.setupCharacterMap({0x20BB7: "u20BB7"})
    builder.setupGlyf({".notdef": square(), "u20BB7": square()})
    builder.setupHorizontalMetrics({".notdef": (1000, 0), "u20BB7": (1000, 0)})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": "HazdeskTestExtB", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=880, usWinAscent=880, usWinDescent=120)
    builder.setupPost()
    builder.save(str(path))
    return path


def test_rare_character_prints_from_an_extension_font(ready, tmp_path: Path) -> None:
    extension = load_face(_font_with_rare_character(tmp_path / "extb.ttf"))
    fonts = FontSet(find_fonts().main, extension)
    inspection = make_inspection(ready, enterprise_name="南京𠮷祥化工有限公司")
    pdf = tmp_path / "d.pdf"
    issue_document(ready, inspection, "责改", now=ISSUED_AT, out=pdf, fonts=fonts)
    assert "南京𠮷祥化工有限公司" in squeeze(text_of(pdf))


def test_no_font_found_says_how_to_install_one_and_stores_nothing(
    ready, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    monkeypatch.setenv("HAZDESK_FONT_DIRS", str(empty))
    monkeypatch.setattr("hazdesk.documents.fonts._bundled_candidates", lambda: [])
    inspection = make_inspection(ready)
    with pytest.raises(HazdeskError, match="sudo apt install fonts-wqy-microhei") as caught:
        issue_document(ready, inspection, "责改", now=ISSUED_AT, out=tmp_path / "d.pdf")
    assert "文书设置中指定字体文件路径" in str(caught.value)
    assert not (tmp_path / "d.pdf").exists()
    with ready.session() as session:
        assert session.query(Document).count() == 0
        assert session.query(DocumentCounter).count() == 0
    with pytest.raises(HazdeskError, match="字体文件不存在"):
        find_fonts(tmp_path / "missing.ttf")


def test_preview_is_watermarked_unnumbered_and_not_stored(ready) -> None:
    inspection = make_inspection(ready)
    preview = preview_document(ready, inspection, "现决", today=dt.date(2026, 3, 5))
    assert preview.pdf.startswith(b"%PDF") and preview.pages >= 1 and preview.warnings == []
    assert b"HZDOC1" not in preview.pdf
    with ready.session() as session:
        assert session.query(Document).count() == 0


def test_a_ten_finding_order_stays_small(ready) -> None:
    inspection = make_inspection(ready, findings=10)
    issued = issue_document(ready, inspection, "责改", now=ISSUED_AT)
    assert len(issued.pdf) <= 200 * 1024
