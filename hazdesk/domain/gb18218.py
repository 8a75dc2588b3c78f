"""GB 18218-2018《危险化学品重大危险源辨识》: identification (§4.1–4.2) and grading (§4.3) of one unit.

* Identification: S = Σ q/Q; the unit is a 重大危险源 when S ≥ 1.
* Grading: R = α · Σ β·q/Q; the level comes from Table 6 (only for a major hazard).

The tables live in ``resources/gb18218/*.json`` and are checked when first loaded.

Arithmetic is exact. Every number becomes the :class:`~fractions.Fraction` of the decimal a person wrote
(``Fraction(str(x))``). Two rows of 液氯, 0.4 t and 4.6 t (Q = 5 t), give S = 0.4/5 + 4.6/5 = 1 exactly;
floats, even with ``math.fsum``, give 0.9999999999999999 and would call the unit "not major". An epsilon
would fix that case too, but it would also move every band edge by an arbitrary amount. With rationals the
edges of Tables 5 and 6 are compared exactly as the standard writes them. Floats appear only in results,
for display and JSON, rounded so that a shown value never lands on the other side of an edge.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from numbers import Real
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from hazdesk.errors import HazdeskError, ValidationError
from hazdesk.paths import resource_path

UnitKind = Literal["production", "storage"]
UNIT_LABELS: dict[str, str] = {"production": "生产单元", "storage": "储存单元"}
_UNIT_ALIASES = {
    **dict.fromkeys(("production", "生产", "生产单元"), "production"),
    **dict.fromkeys(("storage", "储存", "储存单元"), "storage"),
}

MAX_TONNES = 1_000_000  # more than this in one unit is a unit mistake (kg typed as t), not a plant
_MAJOR = Fraction(1)

# ───────────────────────────── normalisation ─────────────────────────────

_BRACKETS = str.maketrans({"[": "(", "]": ")", "【": "(", "】": ")", "〔": "(", "〕": ")"})
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−"})
_CAS_RE = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")


def normalize_name(text: str) -> str:
    """Key for matching names: NFKC folds full-width forms and （）, brackets unify, spaces go, case folds."""
    folded = unicodedata.normalize("NFKC", text).translate(_BRACKETS)
    return "".join(folded.split()).casefold()


def normalize_cas(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).translate(_DASHES).split())


def cas_is_valid(cas: str) -> bool:
    """CAS format and check digit: digits right to left, weighted 1, 2, 3…, sum mod 10."""
    match = _CAS_RE.match(cas)
    if not match:
        return False
    digits = (match[1] + match[2])[::-1]
    return sum(i * int(d) for i, d in enumerate(digits, start=1)) % 10 == int(match[3])


def _exact(value: Real | Decimal) -> Fraction:
    """The exact value a person wrote: a float is read back from its shortest decimal form."""
    if isinstance(value, float):
        return Fraction(str(float(value)))  # float() first: numpy's repr is "np.float64(0.1)"
    return Fraction(value)


def _number(value: Fraction) -> int | float:
    """JSON-friendly: 20 stays 20, 19.2 becomes a float."""
    return value.numerator if value.denominator == 1 else float(value)


# ───────────────────────────── the catalog ─────────────────────────────


@dataclass(frozen=True)
class HazardClass:
    symbol: str
    category: str
    description: str
    Q: Fraction
    beta: Fraction


@dataclass(frozen=True)
class Table1Row:
    seq: int
    name: str
    aliases: tuple[str, ...]
    cas: tuple[str, ...]
    Q: Fraction
    hazard_class: str
    table3_name: str | None
    note: str
    search_names: tuple[str, ...] = ()  # other names people use ("天然气", "一氧化碳"); not in the standard
    search_cas: tuple[str, ...] = ()  # other CAS numbers in use for the same substance; not in the standard


@dataclass(frozen=True)
class AlphaBand:
    min: int
    max: int | None
    label: str
    alpha: Fraction


@dataclass(frozen=True)
class LevelBand:
    level: str
    min: Fraction | None  # inclusive
    max: Fraction | None  # exclusive
    label: str


@dataclass(frozen=True)
class Catalog:
    rows: tuple[Table1Row, ...]
    classes: Mapping[str, HazardClass]  # Table 2 with the Table 4 β, by symbol
    table3: Mapping[str, Fraction]
    alpha_bands: tuple[AlphaBand, ...]
    level_bands: tuple[LevelBand, ...]
    by_name: Mapping[str, tuple[Table1Row, ...]] = field(repr=False)
    by_cas: Mapping[str, tuple[Table1Row, ...]] = field(repr=False)

    def matches(self, query: str) -> tuple[Table1Row, ...]:
        """Table 1 rows whose name, alias or CAS is ``query`` (several for 硝化棉, 硝酸铵…)."""
        cas = normalize_cas(query)
        if _CAS_RE.match(cas):
            return self.by_cas.get(cas, ())
        return self.by_name.get(normalize_name(query), ())


class CatalogError(HazdeskError):
    """A GB 18218 resource file is broken: a packaging error, but the user must still be told which file."""


def _read(directory: Path, name: str) -> dict[str, Any]:
    path = directory / name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CatalogError(f"GB 18218 数据文件 {path} 无法读取：{exc}") from exc
    if not isinstance(data, dict) or "GB 18218-2018" not in str(data.get("source", "")):
        raise CatalogError(f"GB 18218 数据文件 {path} 缺少注明 GB 18218-2018 的 source")
    return data


def _positive(value: Any, where: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise CatalogError(f"GB 18218 数据错误：{where} 应为正数，实际为 {value!r}")
    return _exact(value)


def load_catalog(directory: Path) -> Catalog:
    """Read and check the six tables (uncached; :func:`catalog` is the cached one)."""
    try:
        return _load(directory)
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        raise CatalogError(f"GB 18218 数据文件（{directory}）结构不对：{exc!r}") from exc


def _load(directory: Path) -> Catalog:
    t2, t4 = _read(directory, "table2.json"), _read(directory, "table4.json")
    betas = {c["symbol"]: _positive(c["beta"], f"table4 {c['symbol']} β") for c in t4["classes"]}
    classes = {
        c["symbol"]: HazardClass(
            c["symbol"],
            c["category"],
            c["description"],
            _positive(c["Q"], f"table2 {c['symbol']} Q"),
            betas.get(c["symbol"], Fraction(0)),
        )
        for c in t2["classes"]
    }
    if len(classes) != 24 or set(classes) != set(betas):
        raise CatalogError("GB 18218 数据错误：表2应有 24 个类别，且与表4的类别一一对应")
    table3 = {
        g["name"]: _positive(g["beta"], f"table3 {g['name']} β")
        for g in _read(directory, "table3.json")["gases"]
    }
    raw_rows = _read(directory, "table1.json")["rows"]
    rows = tuple(_row(r, classes, table3) for r in raw_rows)
    if [r.seq for r in rows] != list(range(1, 86)):
        raise CatalogError("GB 18218 数据错误：表1应有第1至85行，按序排列")
    if missing := set(table3) - {r.table3_name for r in rows}:
        raise CatalogError(f"GB 18218 数据错误：表3的 {sorted(missing)} 没有对应的表1行")
    by_name: dict[str, list[Table1Row]] = {}
    by_cas: dict[str, list[Table1Row]] = {}
    for row in rows:
        for key in {normalize_name(n) for n in (row.name, *row.aliases, *row.search_names)}:
            by_name.setdefault(key, []).append(row)
        for cas in (*row.cas, *row.search_cas):
            by_cas.setdefault(cas, []).append(row)
    return Catalog(  # read-only views: the cached catalog is shared by every caller in the process
        rows=rows,
        classes=MappingProxyType(classes),
        table3=MappingProxyType(table3),
        alpha_bands=_alpha_bands(_read(directory, "alpha.json")),
        level_bands=_level_bands(_read(directory, "levels.json")),
        by_name=MappingProxyType({k: tuple(v) for k, v in by_name.items()}),
        by_cas=MappingProxyType({k: tuple(v) for k, v in by_cas.items()}),
    )


def _row(
    data: dict[str, Any], classes: Mapping[str, HazardClass], table3: Mapping[str, Fraction]
) -> Table1Row:
    where = f"表1第{data.get('seq')}行"
    if data.get("hazard_class") not in classes:
        raise CatalogError(
            f"GB 18218 数据错误：{where} 的 hazard_class {data.get('hazard_class')!r} 不在表2/表4中"
        )
    if data.get("table3_name") is not None and data["table3_name"] not in table3:
        raise CatalogError(f"GB 18218 数据错误：{where} 的 table3_name {data['table3_name']!r} 不在表3中")
    cas = tuple(data["cas"]) + tuple(data.get("search_cas", ()))
    if bad := [c for c in cas if not cas_is_valid(c)]:
        raise CatalogError(f"GB 18218 数据错误：{where} 的 CAS {bad} 校验不通过")
    if not data.get("name"):
        raise CatalogError(f"GB 18218 数据错误：{where} 缺少名称")
    return Table1Row(
        seq=data["seq"],
        name=data["name"],
        aliases=tuple(data["aliases"]),
        cas=tuple(data["cas"]),
        Q=_positive(data["Q"], f"{where} Q"),
        hazard_class=data["hazard_class"],
        table3_name=data.get("table3_name"),
        note=data.get("note", ""),
        search_names=tuple(data.get("search_names", ())),
        search_cas=tuple(data.get("search_cas", ())),
    )


def _alpha_bands(data: dict[str, Any]) -> tuple[AlphaBand, ...]:
    bands = sorted(
        (AlphaBand(b["min"], b["max"], b["label"], _positive(b["alpha"], "alpha")) for b in data["bands"]),
        key=lambda b: b.min,
    )
    # people are whole numbers, so the bands must tile 0, 1, 2, … with no gap and no overlap
    edges_ok = bands[0].min == 0 and bands[-1].max is None
    edges_ok &= all(a.max is not None and a.max + 1 == b.min for a, b in itertools.pairwise(bands))
    if not edges_ok:
        raise CatalogError("GB 18218 数据错误：alpha.json 的人数区间不连续")
    return tuple(bands)


def _level_bands(data: dict[str, Any]) -> tuple[LevelBand, ...]:
    def edge(value: Any) -> Fraction | None:
        return None if value is None else _exact(value)

    bands = [LevelBand(b["level"], edge(b["min"]), edge(b["max"]), b["label"]) for b in data["bands"]]
    bands.sort(key=lambda b: b.min if b.min is not None else Fraction(-1))
    edges_ok = bands[0].min is None and bands[-1].max is None
    edges_ok &= all(a.max == b.min for a, b in itertools.pairwise(bands))
    if not edges_ok:
        raise CatalogError("GB 18218 数据错误：levels.json 的 R 区间不连续")
    return tuple(bands)


@functools.cache
def catalog() -> Catalog:
    """The bundled tables, loaded and checked once per process."""
    return load_catalog(resource_path("gb18218"))


def find_chemical(query: str) -> Table1Row | None:
    """The Table 1 row for a name, alias or CAS; ``None`` if not listed; error if it names several rows."""
    rows = catalog().matches(query)
    if len(rows) > 1:
        raise ValidationError(
            f"“{query}”对应表1多行（{_list_rows(rows)}），请填写表1中的完整名称", field="name"
        )
    return rows[0] if rows else None


def _list_rows(rows: Iterable[Table1Row]) -> str:
    return "；".join(f"第{r.seq}行 {r.name}" for r in rows)


# ───────────────────────────── α and level ─────────────────────────────


def _check_people(people: Any) -> int:
    if isinstance(people, bool) or not isinstance(people, Real):
        raise ValidationError(
            f"people_within_500m 应为人数（整数），实际为 {people!r}", field="people_within_500m"
        )
    if not math.isfinite(people) or people != int(people):
        raise ValidationError(
            f"people_within_500m 应为整数（人数），实际为 {people}", field="people_within_500m"
        )
    if people < 0:
        raise ValidationError(f"people_within_500m 不能为负数（{people}）", field="people_within_500m")
    return int(people)


def alpha_band(people: int) -> AlphaBand:
    """The Table 5 band for the 常住人口 within 500 m of the plant boundary."""
    count = _check_people(people)
    return next(b for b in catalog().alpha_bands if b.min <= count and (b.max is None or count <= b.max))


def alpha_for(people: int) -> float:
    return float(alpha_band(people).alpha)


def _level_band(r_value: Fraction) -> LevelBand:
    def inside(b: LevelBand) -> bool:
        return (b.min is None or r_value >= b.min) and (b.max is None or r_value < b.max)

    return next(b for b in catalog().level_bands if inside(b))


def _r_edges() -> tuple[Fraction, ...]:
    """The Table 6 band edges (10, 50, 100), which display rounding must not cross."""
    return tuple(b.min for b in catalog().level_bands if b.min is not None)


def level_for(r_value: float | Fraction) -> str:
    """Table 6: R ≥ 100 一级; 50 ≤ R < 100 二级; 10 ≤ R < 50 三级; otherwise 四级."""
    if isinstance(r_value, bool) or not isinstance(r_value, Real) or not math.isfinite(r_value):
        raise ValidationError(f"R 应为有限数值，实际为 {r_value!r}", field="R")
    return _level_band(_exact(r_value)).level


# ───────────────────────────── input and result ─────────────────────────────


@dataclass(frozen=True, kw_only=True)
class ChemicalInput:
    """One row of what a unit holds. ``tonnes`` is q, the design maximum quantity (§4.2.2), in tonnes."""

    name: str | None = None
    cas: str | None = None
    hazard_class: str | None = None
    tonnes: float
    hazard_classes: tuple[str, ...] = ()  # several hazards: the class with the lowest Q decides (§4.1.2)


@dataclass(frozen=True)
class ChemicalResult:
    """One chemical of the unit (rows of the same chemical already added up)."""

    name: str
    cas: str | None
    tonnes: float
    Q: float
    beta: float
    ratio: float  # q/Q
    weighted: float  # β·q/Q
    basis: str
    positions: tuple[int, ...]  # 1-based positions in the input
    table1_seq: int | None
    hazard_class: (
        str | None
    )  # Table 2 class: the one that set Q and β, or for Table 1 the row's recorded class
    exact: tuple[Fraction, Fraction, Fraction] = field(repr=False, compare=False)  # q, Q, β

    def to_dict(self) -> dict[str, Any]:
        q, big_q, beta = self.exact
        return {
            "name": self.name,
            "cas": self.cas,
            "tonnes": _number(q),
            "Q": _number(big_q),
            "beta": _number(beta),
            "ratio": _rounded_number(q / big_q),
            "weighted": _rounded_number(beta * q / big_q),
            "basis": self.basis,
            "positions": list(self.positions),
            "table1_seq": self.table1_seq,
            "hazard_class": self.hazard_class,
        }


@dataclass(frozen=True)
class UnitAssessment:
    unit_kind: str
    people_within_500m: int
    S: float
    R: float
    alpha: float
    alpha_band: str
    is_major: bool
    level: str | None  # None when the unit is not a major hazard
    chemicals: tuple[ChemicalResult, ...]
    S_exact: Fraction = field(repr=False)
    R_exact: Fraction = field(repr=False)

    def explain(self) -> list[str]:
        """The calculation in Chinese, one line per step, as an inspector would write it out."""
        unit = UNIT_LABELS[self.unit_kind]
        lines = [
            f"GB 18218-2018 辨识与分级：{unit}，厂区边界外 500 m 内常住人口 {self.people_within_500m} 人"
        ]
        for i, c in enumerate(self.chemicals, start=1):
            q, big_q, beta = c.exact
            cas = f"（CAS {c.cas}）" if c.cas else ""
            lines.append(
                f"{i}. {c.name}{cas}：q = {_text(q)} t，Q = {_text(big_q)} t，q/Q = {_text(q / big_q)}；"
                f"β = {_text(beta)}，β·q/Q = {_text(beta * q / big_q)}。{c.basis}"
            )
        ratios = [c.exact[0] / c.exact[1] for c in self.chemicals]
        weighted = [c.exact[2] * c.exact[0] / c.exact[1] for c in self.chemicals]
        s_text = _text(self.S_exact, (_MAJOR,))
        if self.is_major:
            lines.append(f"S = Σq/Q = {_sum_text(ratios, s_text)} ≥ 1，构成危险化学品重大危险源")
        else:
            lines.append(f"S = Σq/Q = {_sum_text(ratios, s_text)} < 1，不构成危险化学品重大危险源，不分级")
        lines.append(f"α = {_text(_exact(self.alpha))}（表5：{self.alpha_band}）")
        r_text = _text(self.R_exact, _r_edges())
        alpha, total = _text(_exact(self.alpha)), _text(sum(weighted, Fraction(0)))
        if 1 < len(weighted) <= _MAX_TERMS:
            total = f"({' + '.join(_text(w) for w in weighted)}) = {alpha} × {total}"
        lines.append(f"R = α × Σβ·q/Q = {alpha} × {total} = {r_text}")
        if self.level is None:
            lines.append("级别：不构成重大危险源，不定级（R 仅供参考）")
        else:
            lines.append(f"级别：{self.level}（表6：{_level_band(self.R_exact).label}）")
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "standard": "GB 18218-2018",
            "unit": self.unit_kind,
            "unit_label": UNIT_LABELS[self.unit_kind],
            "people_within_500m": self.people_within_500m,
            "S": _rounded_number(self.S_exact, (_MAJOR,)),
            "R": _rounded_number(self.R_exact, _r_edges()),
            "alpha": _number(_exact(self.alpha)),
            "alpha_band": self.alpha_band,
            "is_major": self.is_major,
            "level": self.level,
            "chemicals": [c.to_dict() for c in self.chemicals],
        }


# ───────────────────────────── display rounding ─────────────────────────────

_DIGITS, _MAX_DIGITS = 4, 15
_MAX_TERMS = 8  # longest sum written out term by term


def _rounded(value: Fraction, edges: Sequence[Fraction] = ()) -> tuple[Fraction, int]:
    """Round to 4 decimals, more if needed so that a tiny value does not show as 0 and a value just under
    an edge (S = 0.99999) does not show as the edge itself."""
    digits = _DIGITS
    while digits < _MAX_DIGITS:
        shown = round(value, digits)
        if (shown == 0) == (value == 0) and all((shown >= e) == (value >= e) for e in edges):
            break
        digits += 1
    return round(value, digits), digits


def _text(value: Fraction, edges: Sequence[Fraction] = ()) -> str:
    shown, digits = _rounded(value, edges)
    text = f"{Decimal(shown.numerator) / Decimal(shown.denominator):.{digits}f}"
    return text.rstrip("0").rstrip(".")


def _rounded_number(value: Fraction, edges: Sequence[Fraction] = ()) -> int | float:
    return _number(_rounded(value, edges)[0])


def _sum_text(terms: Sequence[Fraction], total: str) -> str:
    if not 1 < len(terms) <= _MAX_TERMS:  # a long sum helps nobody; the lines above carry the terms
        return total
    return " + ".join(_text(t) for t in terms) + f" = {total}"


def _float_on_same_side(value: Fraction, edges: Sequence[Fraction]) -> float:
    """float(value), nudged down if rounding to the nearest double would reach an edge the value is under."""
    result = float(value)
    for edge in edges:
        if value < edge <= result:
            result = math.nextafter(float(edge), -math.inf)
    return result


# ───────────────────────────── assessment ─────────────────────────────


@dataclass(frozen=True)
class _Resolved:
    position: int
    key: tuple[Any, ...]  # rows with the same key are the same chemical and add up
    name: str
    cas: str | None
    q: Fraction
    Q: Fraction
    beta: Fraction
    basis: str
    notes: tuple[str, ...]
    table1_seq: int | None
    hazard_class: str | None


def assess_unit(
    unit_kind: str, people_within_500m: int, chemicals: Sequence[ChemicalInput]
) -> UnitAssessment:
    """Identify (S) and grade (R, level) one 生产单元 or 储存单元. Raises :class:`ValidationError`."""
    unit = _UNIT_ALIASES.get(unit_kind) if isinstance(unit_kind, str) else None
    if unit is None:
        raise ValidationError(
            f"单元类型 unit 应为 production（生产单元）或 storage（储存单元），实际为“{unit_kind}”",
            field="unit",
        )
    people = _check_people(people_within_500m)
    if not chemicals:
        raise ValidationError("单元内没有化学品：chemicals 不能为空", field="chemicals")
    cat = catalog()
    resolved = [_resolve(i, chem, cat) for i, chem in enumerate(chemicals, start=1)]
    results = tuple(_merge(group) for group in _group(resolved))

    s_exact = sum((c.exact[0] / c.exact[1] for c in results), Fraction(0))
    band = alpha_band(people)
    r_exact = band.alpha * sum((c.exact[2] * c.exact[0] / c.exact[1] for c in results), Fraction(0))
    is_major = s_exact >= _MAJOR
    return UnitAssessment(
        unit_kind=unit,
        people_within_500m=people,
        S=_float_on_same_side(s_exact, [_MAJOR]),
        R=_float_on_same_side(r_exact, _r_edges()),
        alpha=float(band.alpha),
        alpha_band=band.label,
        is_major=is_major,
        level=_level_band(r_exact).level if is_major else None,
        chemicals=results,
        S_exact=s_exact,
        R_exact=r_exact,
    )


def _label(position: int, name: Any, cas: Any) -> str:
    if isinstance(name, str) and name.strip():
        return f"第{position}个化学品（{name.strip()}）"
    if isinstance(cas, str) and cas.strip():
        return f"第{position}个化学品（CAS {cas.strip()}）"
    return f"第{position}个化学品"


def _check_tonnes(value: Any, label: str, path: str) -> Fraction:
    where = f"{path}.tonnes"
    if value is None:
        raise ValidationError(f"{label}：缺少 tonnes（实际存在量，吨）", field=where)
    if isinstance(value, bool) or not isinstance(value, Real | Decimal):
        raise ValidationError(f"{label}：tonnes 应为数字（吨），实际为 {value!r}", field=where)
    if isinstance(value, float | Decimal) and not math.isfinite(value):
        raise ValidationError(f"{label}：tonnes 不是有限数值（{value}）", field=where)
    if value < 0:
        raise ValidationError(f"{label}：tonnes 不能为负数（{value} t）", field=where)
    if value > MAX_TONNES:
        raise ValidationError(
            f"{label}：tonnes = {value} t 超过 {MAX_TONNES} t，疑为单位错误（应以吨计）", field=where
        )
    return _exact(value)


def _check_text(value: Any, label: str, path: str, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{label}：{name} 应为文字，实际为 {value!r}", field=f"{path}.{name}")
    return value.strip() or None


def _check_classes(chem: ChemicalInput, cat: Catalog, label: str, path: str) -> tuple[str, ...]:
    given = chem.hazard_classes
    if isinstance(given, str) or not isinstance(given, Sequence):
        raise ValidationError(f"{label}：hazard_classes 应为类别符号列表", field=f"{path}.hazard_classes")
    symbols: list[str] = []
    for raw in (chem.hazard_class, *given):
        text = _check_text(raw, label, path, "hazard_class")
        if text is None:
            continue
        symbol = unicodedata.normalize("NFKC", text).replace(" ", "").upper()
        if symbol not in cat.classes:
            raise ValidationError(
                f"{label}：hazard_class“{text}”不是表2中的类别符号（可用：{'、'.join(cat.classes)}）",
                field=f"{path}.hazard_class",
            )
        if symbol not in symbols:
            symbols.append(symbol)
    return tuple(symbols)


def _resolve(position: int, chem: ChemicalInput, cat: Catalog) -> _Resolved:
    path = f"chemicals[{position - 1}]"
    label = _label(position, chem.name, chem.cas)
    name = _check_text(chem.name, label, path, "name")
    cas_text = _check_text(chem.cas, label, path, "cas")
    cas = normalize_cas(cas_text) if cas_text else None
    if cas is not None and not cas_is_valid(cas):
        raise ValidationError(
            f"{label}：CAS 号“{cas_text}”格式或校验位不对（应如 7664-41-7）", field=f"{path}.cas"
        )
    q = _check_tonnes(chem.tonnes, label, path)
    classes = _check_classes(chem, cat, label, path)

    row, notes = _match_row(name, cas, cat, label, path)
    if row is not None:
        if classes:
            notes.append(f"已填写的类别 {'、'.join(classes)} 不采用：表1所列物质按表1取 Q")
        if row.table3_name:
            beta, beta_basis = cat.table3[row.table3_name], f"β 取表3（{row.table3_name}）"
        else:
            beta, beta_basis = (
                cat.classes[row.hazard_class].beta,
                f"β 取表4 {row.hazard_class}（该物质的表2类别）",
            )
        return _Resolved(
            position=position,
            key=("table1", row.seq),
            name=row.name,
            cas=cas or (row.cas[0] if row.cas else None),
            q=q,
            Q=row.Q,
            beta=beta,
            basis=f"Q 取表1第{row.seq}行；{beta_basis}",
            notes=tuple(notes),
            table1_seq=row.seq,
            hazard_class=row.hazard_class,
        )

    if not classes:
        if name is None and cas is None:
            message = f"{label}：未给出名称、CAS 或危险性类别 hazard_class"
        else:
            message = f"{label}：未列入 GB 18218 表1，须给出 hazard_class（表2类别符号，如 W2、W5.3、J1）"
        raise ValidationError(message, field=f"{path}.hazard_class")
    # several hazards: lowest Q (§4.1.2); on a tie the larger β, so the grading errs on the safe side
    chosen = min((cat.classes[s] for s in classes), key=lambda c: (c.Q, -c.beta))
    if len(classes) == 1:
        q_basis = f"Q 取表2 {chosen.symbol}（{chosen.category} {chosen.description}）"
    else:
        tie = any(cat.classes[s].Q == chosen.Q for s in classes if s != chosen.symbol)
        q_basis = f"Q 取表2 {chosen.symbol}（{'、'.join(classes)} 中临界量最小"
        q_basis += "，临界量相同取 β 大者）" if tie else "）"
    return _Resolved(
        position=position,
        # the same name (or CAS) twice is the same chemical; an entry with only a class stands alone
        key=("class", normalize_name(name or ""), cas or "") if (name or cas) else ("row", position),
        name=name or (f"CAS {cas}" if cas else f"{chosen.symbol} 类物质"),
        cas=cas,
        q=q,
        Q=chosen.Q,
        beta=chosen.beta,
        basis=f"{q_basis}；β 取表4 {chosen.symbol}",
        notes=tuple(notes),
        table1_seq=None,
        hazard_class=chosen.symbol,
    )


def _match_row(
    name: str | None, cas: str | None, cat: Catalog, label: str, path: str
) -> tuple[Table1Row | None, list[str]]:
    by_name = cat.by_name.get(normalize_name(name), ()) if name else ()
    by_cas = cat.by_cas.get(cas, ()) if cas else ()
    notes: list[str] = []
    if len(by_name) == 1:
        row = by_name[0]
        known_cas = (*row.cas, *row.search_cas)
        if cas and known_cas and cas not in known_cas:
            raise ValidationError(
                f"{label}：名称对应表1第{row.seq}行（{row.name}，CAS {'、'.join(row.cas)}），"
                f"但填写的 CAS 为 {cas}，请核对",
                field=f"{path}.cas",
            )
        return row, notes
    candidates = by_name or by_cas
    if len(candidates) > 1:
        narrowed = [r for r in by_name if r in by_cas] if by_name and by_cas else []
        if len(narrowed) == 1:
            return narrowed[0], notes
        shown = name if by_name else f"CAS {cas}"
        raise ValidationError(
            f"{label}：“{shown}”对应表1多行（{_list_rows(candidates)}），请填写表1中的完整名称",
            field=f"{path}.name",
        )
    if len(by_cas) == 1:
        if name:
            notes.append(f"名称“{name}”未列入表1，按 CAS {cas} 匹配")
        return by_cas[0], notes
    return None, notes


def _group(resolved: Sequence[_Resolved]) -> list[list[_Resolved]]:
    groups: dict[tuple[Any, ...], list[_Resolved]] = {}
    for item in resolved:
        groups.setdefault(item.key, []).append(item)
    for items in groups.values():
        first = items[0]
        for other in items[1:]:
            if other.hazard_class != first.hazard_class:
                raise ValidationError(
                    f"第{first.position}个和第{other.position}个化学品是同一物质（{first.name}），"
                    f"但危险性类别不同（{first.hazard_class} / {other.hazard_class}）",
                    field=f"chemicals[{other.position - 1}].hazard_class",
                )
    return list(groups.values())


def _merge(items: Sequence[_Resolved]) -> ChemicalResult:
    first = items[0]
    q = sum((i.q for i in items), Fraction(0))
    notes = list(dict.fromkeys(n for i in items for n in i.notes))
    if len(items) > 1:
        positions = "、".join(str(i.position) for i in items)
        parts = " + ".join(_text(i.q) for i in items)
        notes.append(f"由第{positions}个化学品合计（{parts} = {_text(q)} t）")
    basis = "；".join([first.basis, *notes])
    return ChemicalResult(
        name=first.name,
        cas=first.cas,
        tonnes=float(q),
        Q=float(first.Q),
        beta=float(first.beta),
        ratio=float(q / first.Q),
        weighted=float(first.beta * q / first.Q),
        basis=basis,
        positions=tuple(i.position for i in items),
        table1_seq=first.table1_seq,
        hazard_class=first.hazard_class,
        exact=(q, first.Q, first.beta),
    )
