"""「两重点一重大」: key supervised processes, key supervised chemicals and major hazard sources.

:func:`assess` takes what an enterprise's record says (process names, chemical names and/or CAS numbers, the
levels of its major hazard sources) and tells which of the 18 processes and of the 60 + 14 chemicals it
involves. Names are matched exactly after normalisation, never by substring: "过氧化工艺" contains "氧化工艺"
and "丙烯腈" contains "丙烯", so substring matching would invent key processes and chemicals.

The catalogs live in ``resources/catalogs/`` and are loaded once, validated, and cached.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from hazdesk.errors import ValidationError
from hazdesk.paths import resource_path

PROCESSES_FILE = "key_processes.json"
CHEMICALS_FILE = "key_chemicals.json"

_CAS_RE = re.compile(r"^\d{2,7}-\d{2}-\d$")
_LEVEL_NAMES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
_LEVEL_WORDS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True)
class KeyProcess:
    seq: int
    name: str
    code: str
    short: str
    batch: int
    document: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class KeyChemical:
    seq: int
    batch: int
    name: str
    aliases: tuple[str, ...]
    cas: tuple[str, ...]
    verified: bool


# --- normalisation --------------------------------------------------------------------------------

_PAREN_CONTENT = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_QUOTES = str.maketrans({"′": "'", "’": "'", "‘": "'", "＇": "'", "〔": "[", "〕": "]", "【": "[", "】": "]"})


def normalize_name(text: str) -> str:
    """Fold the ways one name gets typed: full/half width, bracket styles, primes, spaces, letter case."""
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTES)  # NFKC: （）→(), ，→, Ａ→A
    return re.sub(r"\s+", "", folded).casefold()


def _without_brackets(key: str) -> str:
    """'氯化工艺(氯苯)' → '氯化工艺': qualifiers in brackets often follow a name in enterprise records."""
    return _PAREN_CONTENT.sub("", key)


def normalize_cas(text: str) -> str | None:
    """'7782 50 5', '７７８２－５０－５' or '7782505' → '7782-50-5'; None if it is not CAS-shaped."""
    folded = unicodedata.normalize("NFKC", text)  # full-width digits and hyphen → ASCII
    folded = re.sub(r"[\u2010-\u2015\u2212]", "-", folded)  # dashes typed or pasted from Word
    folded = re.sub(r"\s+", "", folded)
    if re.fullmatch(r"\d{5,10}", folded):  # digits only: the check digit and the 2-digit group are fixed
        folded = f"{folded[:-3]}-{folded[-3:-1]}-{folded[-1]}"
    return folded if _CAS_RE.match(folded) else None


# --- catalogs -------------------------------------------------------------------------------------


def _read_catalog(name: str) -> list[dict[str, Any]]:
    path: Path = resource_path("catalogs", name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationError(f"找不到目录文件 {path}。") from None
    except json.JSONDecodeError as exc:
        raise ValidationError(f"目录文件 {name} 不是有效的 JSON：第{exc.lineno}行，{exc.msg}。") from None
    if not isinstance(data, dict) or not str(data.get("source", "")).strip():
        raise ValidationError(f"目录文件 {name} 缺少来源说明 source。")
    items = data.get("items")
    if not isinstance(items, list) or not items:
        raise ValidationError(f"目录文件 {name} 没有条目 items。")
    return items


def _strings(raw: Any, file: str, where: str, field: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(s, str) and s.strip() for s in raw):
        raise ValidationError(f"目录文件 {file} {where}：{field} 必须是非空字符串列表。")
    return tuple(raw)


def _register(index: dict[str, str], keys: Iterable[str], canonical: str, file: str) -> None:
    """Add lookup keys; one key naming two different entries would make matching ambiguous."""
    for key in keys:
        other = index.setdefault(key, canonical)
        if other != canonical:
            raise ValidationError(f"目录文件 {file}：名称「{key}」同时指向「{other}」和「{canonical}」。")


@cache
def key_processes() -> tuple[KeyProcess, ...]:
    """The 18 key supervised hazardous chemical processes, in catalog order."""
    out: list[KeyProcess] = []
    for i, raw in enumerate(_read_catalog(PROCESSES_FILE), 1):
        where = f"第{i}项"
        try:
            proc = KeyProcess(
                seq=int(raw["seq"]),
                name=str(raw["name"]).strip(),
                code=str(raw["code"]).strip(),
                short=str(raw["short"]).strip(),
                batch=int(raw["batch"]),
                document=str(raw["document"]).strip(),
                aliases=_strings(raw.get("aliases", []), PROCESSES_FILE, where, "aliases"),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError(
                f"目录文件 {PROCESSES_FILE} {where}：字段缺失或格式错误（{exc}）。"
            ) from None
        if proc.seq != i or not proc.name or not proc.code:
            raise ValidationError(f"目录文件 {PROCESSES_FILE} {where}：序号应为 {i}，名称和代码不能为空。")
        out.append(proc)
    if len(out) != 18:
        raise ValidationError(
            f"目录文件 {PROCESSES_FILE} 应有 18 种重点监管危险化工工艺，实际为 {len(out)} 种。"
        )
    return tuple(out)


@cache
def key_chemicals() -> tuple[KeyChemical, ...]:
    """The key supervised hazardous chemicals: first batch (60) then second batch (14)."""
    out: list[KeyChemical] = []
    expected_seq = {1: 1, 2: 1}
    for i, raw in enumerate(_read_catalog(CHEMICALS_FILE), 1):
        where = f"第{i}项（{raw.get('name', '?') if isinstance(raw, dict) else '?'}）"
        try:
            chem = KeyChemical(
                seq=int(raw["seq"]),
                batch=int(raw["batch"]),
                name=str(raw["name"]).strip(),
                aliases=_strings(raw.get("aliases", []), CHEMICALS_FILE, where, "aliases"),
                cas=_strings(raw["cas"], CHEMICALS_FILE, where, "cas"),
                verified=bool(raw["verified"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError(
                f"目录文件 {CHEMICALS_FILE} {where}：字段缺失或格式错误（{exc}）。"
            ) from None
        if chem.batch not in expected_seq or chem.seq != expected_seq[chem.batch] or not chem.name:
            raise ValidationError(f"目录文件 {CHEMICALS_FILE} {where}：批次或序号不对，或名称为空。")
        expected_seq[chem.batch] += 1
        bad_cas = [c for c in chem.cas if not _CAS_RE.match(c)]
        if bad_cas:
            raise ValidationError(f"目录文件 {CHEMICALS_FILE} {where}：CAS 号格式错误 {bad_cas}。")
        out.append(chem)
    counts = (expected_seq[1] - 1, expected_seq[2] - 1)
    if counts != (60, 14):
        raise ValidationError(f"目录文件 {CHEMICALS_FILE} 应为首批 60 种、第二批 14 种，实际为 {counts}。")
    return tuple(out)


@cache
def _process_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for proc in key_processes():
        # Bracket-less forms ("电解工艺", "裂解工艺") are listed as aliases in the catalog on purpose,
        # so the index holds only names someone actually writes.
        keys = {normalize_name(n) for n in (proc.name, proc.short, *proc.aliases)}
        _register(index, keys, proc.name, PROCESSES_FILE)
    return index


@cache
def _chemical_indexes() -> tuple[dict[str, str], dict[str, str]]:
    by_name: dict[str, str] = {}
    by_cas: dict[str, str] = {}
    for chem in key_chemicals():
        keys = {normalize_name(n) for n in (chem.name, *chem.aliases)}
        _register(by_name, keys, chem.name, CHEMICALS_FILE)
        _register(by_cas, chem.cas, chem.name, CHEMICALS_FILE)
    return by_name, by_cas


def _lookup(index: dict[str, str], text: str) -> str | None:
    """Exact key first, then without bracketed qualifiers ('硝酸铵(含可燃物≤0.2%)' → '硝酸铵')."""
    key = normalize_name(text)
    return index.get(key) or index.get(_without_brackets(key))


def match_process(name: str) -> str | None:
    """Canonical name of the key process ``name`` refers to, or None."""
    return _lookup(_process_index(), name)


def match_chemical(name: str | None = None, cas: str | None = None) -> str | None:
    """Canonical name of the key chemical given by name and/or CAS, or None.

    CAS wins when both are given and it matches: names are typed freely, CAS numbers are not ambiguous.
    A bare string that looks like a CAS number may be passed as ``name`` too.
    """
    by_name, by_cas = _chemical_indexes()
    for candidate in (cas, name):
        normalized = normalize_cas(candidate) if candidate else None
        if normalized and normalized in by_cas:
            return by_cas[normalized]
    return _lookup(by_name, name) if name else None


# --- assessment -----------------------------------------------------------------------------------

ChemicalInput = str | tuple[str | None, str | None]
"""A chemical as a name or CAS string, or as a (name, cas) pair."""


def parse_level(level: int | str) -> int:
    """A major hazard source level as 1–4 from 1, '1', '一级', '二' …"""
    if isinstance(level, int) and not isinstance(level, bool) and level in _LEVEL_NAMES:
        return level
    if isinstance(level, str):
        word = normalize_name(level).removesuffix("级")
        if word in _LEVEL_WORDS:
            return _LEVEL_WORDS[word]
    raise ValidationError(
        f"重大危险源级别只能是一级至四级，收到的是「{level}」。", field="major_hazard_levels"
    )


@dataclass(frozen=True)
class KeySupervision:
    """What an enterprise involves of 「两重点一重大」 (names are canonical catalog names, catalog order)."""

    key_processes: tuple[str, ...]
    key_chemicals: tuple[str, ...]
    major_hazard_levels: tuple[int, ...]  # one entry per major hazard source, 1 = 一级 … 4 = 四级, sorted

    @property
    def involves_key_process(self) -> bool:
        return bool(self.key_processes)

    @property
    def involves_key_chemical(self) -> bool:
        return bool(self.key_chemicals)

    @property
    def has_major_hazard(self) -> bool:
        return bool(self.major_hazard_levels)

    @property
    def any(self) -> bool:
        return self.involves_key_process or self.involves_key_chemical or self.has_major_hazard

    def summary(self) -> str:
        """'重点工艺：氯化工艺、硝化工艺；重点化学品：氯、氨；重大危险源：二级×1'."""
        if not self.any:
            return "不涉及“两重点一重大”"
        counts = Counter(self.major_hazard_levels)
        levels = "、".join(f"{_LEVEL_NAMES[lv]}×{counts[lv]}" for lv in sorted(counts))
        return "；".join(
            (
                f"重点工艺：{'、'.join(self.key_processes) or '无'}",
                f"重点化学品：{'、'.join(self.key_chemicals) or '无'}",
                f"重大危险源：{levels or '无'}",
            )
        )


def assess(
    processes: Iterable[str] = (),
    chemicals: Iterable[ChemicalInput] = (),
    major_hazard_levels: Iterable[int | str] = (),
) -> KeySupervision:
    """Which key processes and key chemicals an enterprise involves, and its major hazard sources."""
    proc_found = {m for p in processes if (m := match_process(p))}
    chem_found: set[str] = set()
    for chem in chemicals:
        name, cas = (chem, None) if isinstance(chem, str) else chem
        if m := match_chemical(name, cas):
            chem_found.add(m)
    proc_order = [p.name for p in key_processes()]
    chem_order = [c.name for c in key_chemicals()]
    return KeySupervision(
        key_processes=tuple(n for n in proc_order if n in proc_found),
        key_chemicals=tuple(n for n in chem_order if n in chem_found),
        major_hazard_levels=tuple(sorted(parse_level(lv) for lv in major_hazard_levels)),
    )
