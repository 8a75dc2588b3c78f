"""Finding, checking and registering the CJK font that documents are printed in.

Only TrueType-outline (glyf) fonts can be embedded by reportlab; OpenType/CFF fonts (Noto CJK) are
refused and the built-in CID fonts are not embedded at all, so a printed document would depend on the
printer. The lookup order is: the path configured in the settings, a font shipped with the packaged
app (``resources/fonts/``), then the usual system fonts of Windows and Linux. A second, optional
"extension" font (SimSun-ExtB, HanaMinB) is used only for characters the main font lacks, so rare
characters outside the BMP (𠮷) print when such a font is present.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from hazdesk.errors import HazdeskError
from hazdesk.paths import resource_path

FONT_SUFFIXES = (".ttf", ".ttc")
# The environment can replace the system font locations (tests, unusual installs); os.pathsep-separated.
FONT_DIRS_ENV = "HAZDESK_FONT_DIRS"

_WINDOWS_FONTS = ("simsun.ttc", "simfang.ttf", "simhei.ttf", "msyh.ttc")
_WINDOWS_EXTENSION = ("simsunb.ttf",)
_LINUX_FONTS = (
    "truetype/wqy/wqy-microhei.ttc",
    "truetype/wqy/wqy-zenhei.ttc",
    "truetype/arphic/uming.ttc",
    "truetype/arphic/ukai.ttc",
)
_LINUX_EXTENSION = ("truetype/hanazono/HanaMinB.ttf", "truetype/hanazono/hanazono-mincho-b.ttf")
_LINUX_ROOTS = ("/usr/share/fonts", "/usr/local/share/fonts")

INSTALL_HINT = (
    "未找到可嵌入的中文 TrueType 字体。请安装一种：Debian/Ubuntu 运行 `sudo apt install fonts-wqy-microhei`；"
    "Windows 系统自带宋体（simsun.ttc）；或在文书设置中指定字体文件路径"
    "（hazdesk document font --db 数据库 --set 字体.ttf）。注意 Noto CJK 等 OTF 字体无法嵌入。"
)


@dataclass(frozen=True)
class FontFace:
    """A registered font: the reportlab name, its file, and the SHA-256 of the file (kept in snapshots so a
    reprint can tell whether it is printing with the same font as the original)."""

    name: str
    path: Path
    subfont: int
    family: str
    sha256: str
    chars: frozenset[int]

    def has(self, char: str) -> bool:
        return ord(char) in self.chars


@dataclass(frozen=True)
class FontSet:
    main: FontFace
    extension: FontFace | None = None

    def face_for(self, char: str) -> FontFace | None:
        """The face that prints ``char``, or None when neither has a glyph for it."""
        if self.main.has(char):
            return self.main
        if self.extension is not None and self.extension.has(char):
            return self.extension
        return None

    def identity(self) -> dict[str, str]:
        out = {"font": self.main.family, "font_sha256": self.main.sha256}
        if self.extension is not None:
            out |= {"extension_font": self.extension.family, "extension_font_sha256": self.extension.sha256}
        return out


_lock = threading.Lock()
_faces: dict[tuple[str, int, int, int], FontFace] = {}
_hashes: dict[tuple[str, int, int], str] = {}


def _system_candidates(extension: bool) -> list[Path]:
    override = os.environ.get(FONT_DIRS_ENV)
    if override is not None:
        out = []
        for folder in filter(None, override.split(os.pathsep)):
            directory = Path(folder)
            if directory.is_dir():
                out.extend(sorted(p for p in directory.iterdir() if p.suffix.lower() in FONT_SUFFIXES))
        return out if not extension else []
    windir = os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT")
    names = _WINDOWS_EXTENSION if extension else _WINDOWS_FONTS
    out = [Path(windir) / "Fonts" / n for n in names] if windir else []
    for root in _LINUX_ROOTS:
        out.extend(Path(root) / rel for rel in (_LINUX_EXTENSION if extension else _LINUX_FONTS))
    return out


def _bundled_candidates() -> list[Path]:
    folder = resource_path("fonts")
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in FONT_SUFFIXES)


def _file_sha256(path: Path) -> str:
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _hashes:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        _hashes[key] = digest.hexdigest()
    return _hashes[key]


def load_face(path: Path, subfont: int = 0) -> FontFace:
    """Parse and register one font file; raises TTFError/OSError when it cannot be embedded."""
    stat = path.stat()
    key = (str(path), subfont, stat.st_size, stat.st_mtime_ns)
    with _lock:
        face = _faces.get(key)
        if face is not None:
            return face
        sha = _file_sha256(path)
        # The registered name is derived from the file's hash: the same font always gets the same name,
        # which keeps the PDF bytes of a reprint identical.
        name = f"HZ{sha[:12]}{subfont}"
        font = (
            TTFont(name, str(path), subfontIndex=subfont) if path.suffix.lower() == ".ttc" else TTFont(name, str(path))
        )
        pdfmetrics.registerFont(font)
        face = FontFace(
            name=name,
            path=path,
            subfont=subfont,
            family=font.face.name.decode("latin-1") if isinstance(font.face.name, bytes) else str(font.face.name),
            sha256=sha,
            chars=frozenset(font.face.charToGlyph),
        )
        _faces[key] = face
        return face


def _usable(face: FontFace) -> bool:
    # Droid Sans Fallback and similar have no Latin digits: numbers and dates would vanish.
    return all(face.has(c) for c in "0123456789A中国，。")


def find_fonts(configured: str | os.PathLike[str] | None = None) -> FontSet:
    """The font set documents are printed in (see the module docstring for the order)."""
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise HazdeskError(f"文书设置中指定的字体文件不存在：{path}。{INSTALL_HINT}")
        try:
            main = load_face(path)
        except (TTFError, OSError) as exc:
            raise HazdeskError(f"文书设置中指定的字体 {path} 无法嵌入 PDF（{exc}）。{INSTALL_HINT}") from exc
        if not _usable(main):
            raise HazdeskError(f"文书设置中指定的字体 {path} 缺少数字、字母或常用汉字。{INSTALL_HINT}")
    else:
        main = _first_usable([*_bundled_candidates(), *_system_candidates(extension=False)])
        if main is None:
            raise HazdeskError(INSTALL_HINT)
    extension = None
    for candidate in _system_candidates(extension=True):
        if candidate.is_file():
            try:
                extension = load_face(candidate)
                break
            except (TTFError, OSError):
                continue
    return FontSet(main, extension)


def _first_usable(candidates: list[Path]) -> FontFace | None:
    for path in candidates:
        if not path.is_file():
            continue
        try:
            face = load_face(path)
        except (TTFError, OSError):
            continue  # e.g. an OTF/CFF font among the candidates: skip to the next one
        if _usable(face):
            return face
    return None


def font_set_with_extension(main: FontSet, extension_path: Path) -> FontSet:
    """The same main font with an explicit extension font (for characters the main font lacks)."""
    return FontSet(main.main, load_face(extension_path))


# --- reportlab fix: ToUnicode for characters outside the BMP ---------------------------------------
# reportlab writes each ToUnicode entry as "<%04X>", which for U+20BB7 gives five hex digits and makes
# text extraction (search, copy, pdftotext) return a wrong character. PDF wants UTF-16BE, i.e. a
# surrogate pair. Same output as reportlab's for BMP characters.
def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    def utf16(code: int) -> str:
        return "".join(f"{b:02X}" for b in chr(code).encode("utf-16-be"))

    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *[f"<{i:02X}> <{utf16(v)}>" for i, v in enumerate(subset)],
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


ttfonts.makeToUnicodeCMap = _to_unicode_cmap


def find_face_by_hash(sha256: str, configured: str | os.PathLike[str] | None = None) -> FontFace | None:
    """A font on this machine whose file has this SHA-256 (to reprint with the font used at issue)."""
    candidates = [Path(configured).expanduser()] if configured else []
    candidates += _bundled_candidates() + _system_candidates(extension=False) + _system_candidates(extension=True)
    for path in candidates:
        try:
            if path.is_file() and _file_sha256(path) == sha256:
                return load_face(path)
        except (TTFError, OSError):
            continue
    return None
