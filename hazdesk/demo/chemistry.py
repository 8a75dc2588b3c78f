"""The chemicals, processes and hazard units the demo enterprises hold.

Names are the ones people write on an enterprise's file (液氯, 液氨); each carries its CAS so that
GB 18218 (:mod:`hazdesk.domain.gb18218`) and the key-chemical list (:mod:`hazdesk.domain.key_supervision`)
resolve it exactly. Chemicals outside GB 18218 Table 1 carry the Table 2 class used to grade them
(``None`` for substances that are not graded at all, such as 硫酸 or 氮).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Chemical:
    name: str
    cas: str
    hazard_class: str | None = None  # Table 2 symbol for a chemical outside Table 1
    graded: bool = True  # False: not a GB 18218 hazard (corrosives, inert gases): never in a unit


_ALL = (
    # GB 18218 Table 1 (matched by name or CAS)
    Chemical("液氯", "7782-50-5"),
    Chemical("液氨", "7664-41-7"),
    Chemical("氢气", "1333-74-0"),
    Chemical("甲醇", "67-56-1"),
    Chemical("甲苯", "108-88-3"),
    Chemical("苯", "71-43-2"),
    Chemical("丙酮", "67-64-1"),
    Chemical("乙酸乙酯", "141-78-6"),
    Chemical("环己烷", "110-82-7"),
    Chemical("正己烷", "110-54-3"),
    Chemical("乙醇", "64-17-5"),
    Chemical("苯乙烯", "100-42-5"),
    Chemical("丙烯腈", "107-13-1"),
    Chemical("环氧乙烷", "75-21-8"),
    Chemical("1,2-环氧丙烷", "75-56-9"),
    Chemical("氯乙烯", "75-01-4"),
    Chemical("1,3-丁二烯", "106-99-0"),
    Chemical("乙烯", "74-85-1"),
    Chemical("液化石油气", "68476-85-7"),
    Chemical("天然气", "8006-14-2"),
    Chemical("汽油", "86290-81-5"),
    Chemical("硝酸", "7697-37-2"),
    Chemical("氯化氢", "7647-01-0"),
    Chemical("硫化氢", "7783-06-4"),
    Chemical("二硫化碳", "75-15-0"),
    Chemical("二甲醚", "115-10-6"),
    Chemical("一甲胺", "74-89-5"),
    Chemical("乙炔", "74-86-2"),
    Chemical("液氧", "7782-44-7"),
    Chemical("光气", "75-44-5"),
    Chemical("氟化氢", "7664-39-3"),
    Chemical("二氧化硫", "7446-09-5"),
    Chemical("三氧化硫", "7446-11-9"),
    Chemical("电石", "75-20-7"),
    Chemical("过氧乙酸", "79-21-0"),
    Chemical("乙醚", "60-29-7"),
    Chemical("环氧氯丙烷", "106-89-8"),
    Chemical("甲苯二异氰酸酯", "26471-62-5"),
    Chemical("氯酸钠", "7775-09-9"),
    # outside Table 1: graded by their Table 2 class
    Chemical("柴油", "68334-30-5", "W5.4"),
    Chemical("二甲苯", "1330-20-7", "W5.4"),
    Chemical("丙烯", "115-07-1", "W2"),
    Chemical("乙酸", "64-19-7", "W5.4"),
    Chemical("异丙醇", "67-63-0", "W5.3"),
    Chemical("丁酮", "78-93-3", "W5.3"),
    Chemical("乙酸丁酯", "123-86-4", "W5.4"),
    Chemical("甲基叔丁基醚", "1634-04-4", "W5.3"),
    Chemical("2,2'-偶氮二异丁腈", "78-67-1", "W6.2"),
    # not graded by GB 18218 (corrosive, inert or not classed): on the file only
    Chemical("硫酸", "7664-93-9", graded=False),
    Chemical("盐酸", "7647-01-0", graded=False),
    Chemical("氢氧化钠", "1310-73-2", graded=False),
    Chemical("次氯酸钠溶液", "7681-52-9", graded=False),
    Chemical("过氧化氢溶液", "7722-84-1", graded=False),
    Chemical("亚硝酸钠", "7632-00-0", graded=False),
    Chemical("苯胺", "62-53-3", graded=False),
    Chemical("液氮", "7727-37-9", graded=False),
    Chemical("液氩", "7440-37-1", graded=False),
    Chemical("二氧化碳", "124-38-9", graded=False),
)
CHEMICALS: dict[str, Chemical] = {c.name: c for c in _ALL}

# Which chemicals each of the 18 key processes brings into a plant (the first are the unit's core).
PROCESS_CHEMICALS: dict[str, tuple[str, ...]] = {
    "光气及光气化工艺": ("光气", "液氯", "甲苯二异氰酸酯"),
    "电解工艺（氯碱）": ("液氯", "氢气", "氢氧化钠", "盐酸"),
    "氯化工艺": ("液氯", "苯", "氯化氢", "甲苯"),
    "硝化工艺": ("硝酸", "苯", "甲苯", "硫酸"),
    "合成氨工艺": ("液氨", "氢气", "天然气"),
    "裂解（裂化）工艺": ("乙烯", "丙烯", "1,3-丁二烯", "氢气"),
    "氟化工艺": ("氟化氢", "氯化氢"),
    "加氢工艺": ("氢气", "苯", "环己烷"),
    "重氮化工艺": ("盐酸", "亚硝酸钠", "苯胺"),
    "氧化工艺": ("环氧乙烷", "乙烯", "液氧"),
    "过氧化工艺": ("过氧乙酸", "过氧化氢溶液", "乙酸"),
    "胺基化工艺": ("液氨", "一甲胺", "甲醇"),
    "磺化工艺": ("三氧化硫", "苯", "硫酸"),
    "聚合工艺": ("氯乙烯", "苯乙烯", "丙烯腈", "1,3-丁二烯"),
    "烷基化工艺": ("苯", "乙烯", "丙烯"),
    "新型煤化工工艺": ("甲醇", "氢气", "二甲醚"),
    "电石生产工艺": ("电石", "氢气"),
    "偶氮化工艺": ("2,2'-偶氮二异丁腈", "甲醇", "液氨"),
}
# How often each process occurs among producers (fine chemicals dominate; coal chemistry is rare here).
PROCESS_WEIGHTS: dict[str, float] = {
    "氯化工艺": 8,
    "加氢工艺": 8,
    "聚合工艺": 10,
    "氧化工艺": 6,
    "硝化工艺": 4,
    "磺化工艺": 4,
    "胺基化工艺": 4,
    "重氮化工艺": 4,
    "烷基化工艺": 3,
    "过氧化工艺": 2,
    "偶氮化工艺": 2,
    "氟化工艺": 2,
    "裂解（裂化）工艺": 1.5,
    "电解工艺（氯碱）": 1,
    "合成氨工艺": 1,
    "光气及光气化工艺": 0.5,
    "新型煤化工工艺": 0.5,
    "电石生产工艺": 0.3,
}


@dataclass(frozen=True)
class UnitTemplate:
    name: str  # 甲醇储罐区, 氯化装置…
    kind: str  # production / storage
    chemicals: tuple[str, ...]  # candidates; a unit holds 1–4 of them


# Storage units: what tank farms and warehouses hold together in practice.
STORAGE_UNITS = (
    UnitTemplate("甲醇储罐区", "storage", ("甲醇",)),
    UnitTemplate("芳烃储罐区", "storage", ("苯", "甲苯", "二甲苯")),
    UnitTemplate("液氯库", "storage", ("液氯",)),
    UnitTemplate("液氨储罐区", "storage", ("液氨",)),
    UnitTemplate("液化烃球罐区", "storage", ("液化石油气", "丙烯", "1,3-丁二烯")),
    UnitTemplate("成品油罐区", "storage", ("汽油", "柴油")),
    UnitTemplate("溶剂罐区", "storage", ("丙酮", "乙酸乙酯", "环己烷", "正己烷", "乙醇", "异丙醇")),
    UnitTemplate("甲类仓库", "storage", ("乙醚", "二硫化碳", "过氧乙酸", "丁酮")),
    UnitTemplate("氢气储罐区", "storage", ("氢气",)),
    UnitTemplate("环氧化物储罐区", "storage", ("环氧乙烷", "1,2-环氧丙烷")),
    UnitTemplate("氯乙烯球罐区", "storage", ("氯乙烯",)),
    UnitTemplate("液氧储罐区", "storage", ("液氧",)),
    UnitTemplate("乙炔气瓶库", "storage", ("乙炔",)),
    UnitTemplate("苯乙烯储罐区", "storage", ("苯乙烯", "丙烯腈")),
)
STORAGE_BY_CHEMICAL: dict[str, tuple[UnitTemplate, ...]] = {}
for _unit in STORAGE_UNITS:
    for _chem in _unit.chemicals:
        STORAGE_BY_CHEMICAL[_chem] = (*STORAGE_BY_CHEMICAL.get(_chem, ()), _unit)


def production_unit(process: str) -> UnitTemplate:
    """The production unit a key process runs in: 氯化工艺 → 氯化装置, with its graded chemicals."""
    short = process.split("（")[0].replace("及光气化", "化").removesuffix("工艺")
    graded = tuple(c for c in PROCESS_CHEMICALS[process] if CHEMICALS[c].graded)
    return UnitTemplate(f"{short}装置", "production", graded)
