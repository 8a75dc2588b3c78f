"""User text into reportlab markup, and the Chinese line-breaking rules (禁则).

Every string a user typed goes through :func:`markup`: it is XML-escaped (an enterprise called
``<b>华联</b>&化工`` prints exactly so, instead of raising or turning bold), newlines become ``<br/>``,
and characters the main font lacks are switched to the extension font or reported as missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import paragraph as rl_paragraph
from reportlab.platypus.paragraph import ParaLines, cjkU, makeCJKParaLine

from hazdesk.documents.fonts import FontSet

# Closing punctuation, stops and marks that may not begin a line (行首禁则). reportlab's own list is
# Japanese-oriented and lacks ，：；！？ among others.
NO_LINE_START = frozenset(
    "!),.:;?]}%°′″℃、。〃〉》」』】〕〗〙〛〞！＂％＇），．：；？］｝～｠､・ー…‥—–‐"
    "”’›»ゝゞヽヾぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〻"
)
# Opening brackets and quotes that may not end a line (行尾禁则).
NO_LINE_END = frozenset("([{£¥‘“‹«〈《「『【〔〖〘〝（［｛￡￥")


@dataclass(frozen=True)
class MissingGlyph:
    """A character of a field that no available font can print."""

    field: str
    char: str

    def __str__(self) -> str:
        return f"“{self.field}”中的字符“{self.char}”（U+{ord(self.char):04X}）"


class Markup:
    """Turns user strings into Paragraph markup for one font set, collecting missing characters."""

    def __init__(self, fonts: FontSet) -> None:
        self.fonts = fonts
        self.missing: list[MissingGlyph] = []

    def __call__(self, text: str, field: str) -> str:
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
        out: list[str] = []
        run: list[str] = []
        run_face = self.fonts.main
        for char in text:
            if char == "\n":
                out.append(self._flush(run, run_face))
                run = []
                out.append("<br/>")
                continue
            face = self.fonts.face_for(char)
            if face is None:
                if char.isspace() or not char.isprintable():
                    char = " "  # control and odd space characters print as a plain space
                    face = self.fonts.main
                else:
                    self.missing.append(MissingGlyph(field, char))
                    face = self.fonts.main  # prints as the font's .notdef box in a preview
            if face is not run_face:
                out.append(self._flush(run, run_face))
                run = []
                run_face = face
            run.append(char)
        out.append(self._flush(run, run_face))
        return "".join(out)

    def _flush(self, run: list[str], face: object) -> str:
        if not run:
            return ""
        text = escape("".join(run))
        if face is self.fonts.main:
            return text
        return f'<font name="{face.name}">{text}</font>'  # type: ignore[attr-defined]


def _breaks(
    chars: list[str], widths: list[float], max_widths: list[float], hard: list[bool]
) -> list[tuple[int, int, float]]:
    """Line spans (start, end, max width) for characters of these widths; ``hard`` marks <br/>."""
    spans = []
    start = used = i = 0
    max_width = max_widths[0]
    while i < len(chars):
        used += widths[i]
        i += 1
        if not (hard[i - 1] or (used > max_width + rl_paragraph._FUZZ and used > 0)):
            continue
        end = i if hard[i - 1] else _break_before(chars, start, i - 1)
        spans.append((start, end, max_width))
        max_width = max_widths[min(len(spans), len(max_widths) - 1)]
        start = i = end
        used = 0
    if start < len(chars):
        spans.append((start, len(chars), max_width))
    return spans


def _frag_split(frags: list, max_widths: list[float], calc_bounds: bool, encoding: str = "utf8") -> ParaLines:
    """reportlab's ``cjkFragSplit`` (paragraphs of several fragments) with Chinese 禁则.

    reportlab lets one forbidden character hang into the margin, so "（出示证件）。" broken after "）"
    still starts the next line with "。". Here the break moves back instead, until the next line starts
    with a character that may start a line and this one does not end with an opening bracket. Latin
    words are kept whole as reportlab does. Adapted from reportlab (BSD licence).
    """
    units = []
    for frag in frags:
        text = frag.text.decode(encoding) if isinstance(frag.text, bytes) else frag.text
        if text:
            units.extend(cjkU(t, frag, encoding) for t in text)
        else:
            units.append(cjkU(text, frag, encoding))
    hard = [hasattr(u.frag, "lineBreak") for u in units]
    lines = []
    for start, end, max_width in _breaks(units, [u.width for u in units], max_widths, hard):
        width = sum(units[k].width for k in range(start, end))
        lines.append(makeCJKParaLine(units[start:end], max_width, width, max_width - width, hard[end - 1], calc_bounds))
    return ParaLines(kind=1, lines=lines)


def _word_split(
    text: str, max_widths: list[float] | float, font_name: str, font_size: float, encoding: str = "utf8"
) -> list[list]:
    """reportlab's ``wordSplit`` (paragraphs of one fragment) with the same rules as above."""
    if not isinstance(max_widths, list | tuple):
        max_widths = [max_widths]
    if isinstance(text, bytes):
        text = text.decode(encoding)
    chars = list(text)
    widths = [stringWidth(c, font_name, font_size) for c in chars]
    return [
        [max_width - sum(widths[start:end]), text[start:end].strip()]
        for start, end, max_width in _breaks(chars, widths, list(max_widths), [False] * len(chars))
    ]


def _break_before(units: list, start: int, end: int) -> int:
    """Where to break a line that overflows at ``units[end]`` (which starts the next line by default)."""
    if end <= start:
        return start + 1  # a single unit wider than the line: it gets the line to itself
    first = units[end]
    if first and ord(first) < 0x3000:
        # Inside a Latin word or number: break after the last space or CJK character in the second half.
        for j in range(end - 1, (start + end) >> 1, -1):
            unit = units[j]
            if unit and (unit.isspace() or ord(unit) >= 0x3000):
                end = j + 1
                break
    while end > start + 1 and (
        (units[end] and units[end] in NO_LINE_START) or (units[end - 1] and units[end - 1] in NO_LINE_END)
    ):
        end -= 1
    return end


def install_line_breaking() -> None:
    """Make every CJK Paragraph follow the rules above (idempotent)."""
    # Both are looked up as module globals by Paragraph.breakLinesCJK.
    rl_paragraph.cjkFragSplit = _frag_split
    rl_paragraph.wordSplit = _word_split


install_line_breaking()
