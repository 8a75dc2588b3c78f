"""Kinds of business (一企一档 archetypes) the demo enterprises are made from.

Each archetype fixes what goes together on a real file: roles, industry, the licence the bureau
issues, the chemicals held and in what quantities, how likely major hazard sources and key processes
are, how often inspectors come, and where on site hazards are found. ``mix`` is the archetype's share
in urban, suburban and industrial districts.
"""

from __future__ import annotations

from dataclasses import dataclass

SAFETY_LICENCE = "安全生产许可证"
TRADE_LICENCE = "危险化学品经营许可证"
USE_LICENCE = "危险化学品安全使用许可证"
TRANSPORT_LICENCE = "道路运输经营许可证"
WASTE_LICENCE = "危险废物经营许可证"

_SOLVENTS = ("甲醇", "甲苯", "丙酮", "乙酸乙酯", "二甲苯", "乙醇", "异丙醇", "丁酮", "乙酸丁酯", "环己烷", "正己烷")
_TRADED = (
    *_SOLVENTS,
    "苯", "苯乙烯", "硫酸", "盐酸", "氢氧化钠", "液氨", "液氯", "液化石油气", "二甲醚", "过氧化氢溶液",
    "次氯酸钠溶液", "甲基叔丁基醚", "乙酸", "柴油", "氯酸钠", "电石", "环氧氯丙烷",
)  # fmt: skip


@dataclass(frozen=True)
class Archetype:
    code: str
    roles: tuple[str, ...]
    optional_roles: tuple[tuple[str, float], ...]  # (role, probability)
    industries: tuple[str, ...]
    words: tuple[str, ...]  # 行业 part of the name
    licence: str | None
    licence_share: float
    chemicals: tuple[str, ...]
    chemical_count: tuple[int, int]
    tonnes: tuple[float, float] | None  # None: holds no stock (经营不带储存, 运输)
    mhs_share: float
    process_share: float
    inspection_weight: float  # how often inspectors come, relative to a trader
    mix: tuple[float, float, float]  # share in urban, suburban, industrial districts
    places: str  # 检查场所 on the inspection record
    locations: tuple[str, ...]  # 隐患部位
    plant: bool  # has installations: 投用年份, 标准化; the plant sections of checklists apply


ARCHETYPES = (
    Archetype(
        code="producer",
        roles=("production", "storage"),
        optional_roles=(("use", 0.5), ("trade", 0.2)),
        industries=(
            "化学原料和化学制品制造业",
            "基础化学原料制造",
            "合成材料制造",
            "专用化学产品制造",
            "涂料、油墨、颜料及类似产品制造",
            "化学药品原料药制造",
        ),
        words=(
            "化工",
            "化学",
            "石化",
            "精细化工",
            "新材料",
            "化学工业",
            "化学品",
            "树脂",
            "涂料",
            "医药化工",
            "生物化工",
            "高分子材料",
            "助剂",
        ),
        licence=SAFETY_LICENCE,
        licence_share=1.0,
        chemicals=(*_SOLVENTS, "硫酸", "盐酸", "氢氧化钠", "液氨", "氢气", "天然气"),
        chemical_count=(2, 6),
        tonnes=(5, 800),
        mhs_share=0.12,
        process_share=0.45,
        inspection_weight=3.0,
        mix=(1, 8, 18),
        places="生产装置区、储罐区、仓库、中控室",
        locations=(
            "1#生产车间",
            "2#生产装置区",
            "中控室",
            "甲类仓库",
            "储罐区",
            "装卸站台",
            "配电室",
            "机柜间",
            "公用工程区",
            "危废暂存库",
            "循环水站",
            "包装车间",
        ),
        plant=True,
    ),
    Archetype(
        code="gas",
        roles=("production", "storage"),
        optional_roles=(("trade", 0.6),),
        industries=("基础化学原料制造（工业气体）",),
        words=("气体", "工业气体", "特种气体"),
        licence=SAFETY_LICENCE,
        licence_share=1.0,
        chemicals=("液氧", "液氮", "液氩", "二氧化碳", "氢气", "乙炔"),
        chemical_count=(2, 5),
        tonnes=(2, 300),
        mhs_share=0.1,
        process_share=0.0,
        inspection_weight=2.0,
        mix=(0.5, 3, 3),
        places="空分装置区、充装车间、气瓶库、储罐区",
        locations=("充装车间", "气瓶库", "空分装置区", "储罐区", "中控室"),
        plant=True,
    ),
    Archetype(
        code="trader",
        roles=("trade",),
        optional_roles=(),
        industries=("化工产品批发", "石油及制品批发"),
        words=("化工贸易", "化工原料", "化工物资", "化学品销售", "商贸", "石化贸易", "化工科技"),
        licence=TRADE_LICENCE,
        licence_share=1.0,
        chemicals=_TRADED,
        chemical_count=(1, 6),
        tonnes=None,
        mhs_share=0.0,
        process_share=0.0,
        inspection_weight=0.8,
        mix=(40, 25, 22),
        places="经营场所、办公场所",
        locations=("经营场所", "办公室", "样品间", "业务台账"),
        plant=False,
    ),
    Archetype(
        code="trade_storage",
        roles=("trade", "storage"),
        optional_roles=(),
        industries=("化工产品批发", "危险品仓储"),
        words=("化工贸易", "化工", "石化贸易", "化工原料"),
        licence=TRADE_LICENCE,
        licence_share=1.0,
        chemicals=_TRADED,
        chemical_count=(2, 6),
        tonnes=(10, 2000),
        mhs_share=0.08,
        process_share=0.0,
        inspection_weight=2.0,
        mix=(1, 4, 6),
        places="储罐区、仓库、装卸区、经营场所",
        locations=("储罐区", "1#仓库", "2#仓库", "装卸区", "经营场所", "消防泵房"),
        plant=True,
    ),
    Archetype(
        code="station",
        roles=("trade", "storage"),
        optional_roles=(),
        industries=("机动车燃油零售",),
        words=("石油销售", "能源", "石油"),
        licence=TRADE_LICENCE,
        licence_share=1.0,
        chemicals=("汽油", "柴油"),
        chemical_count=(2, 2),
        tonnes=(20, 120),
        mhs_share=0.0,
        process_share=0.0,
        inspection_weight=1.0,
        mix=(18, 16, 12),
        places="加油区、油罐区、卸油区、站房",
        locations=("加油区", "油罐区", "卸油口", "站房", "配电间"),
        plant=True,
    ),
    Archetype(
        code="lpg",
        roles=("trade", "storage"),
        optional_roles=(),
        industries=("燃气生产和供应业",),
        words=("燃气", "液化气"),
        licence=TRADE_LICENCE,
        licence_share=1.0,
        chemicals=("液化石油气",),
        chemical_count=(1, 1),
        tonnes=(5, 80),
        mhs_share=0.05,
        process_share=0.0,
        inspection_weight=1.5,
        mix=(2, 4, 3),
        places="气瓶库、充装间、营业厅",
        locations=("气瓶库", "充装间", "营业厅", "钢瓶检验区"),
        plant=True,
    ),
    Archetype(
        code="logistics",
        roles=("storage",),
        optional_roles=(("transport", 0.5), ("trade", 0.3)),
        industries=("危险品仓储", "道路危险货物运输"),
        words=("仓储", "物流", "储运", "石化仓储", "供应链", "港务"),
        licence=TRADE_LICENCE,
        licence_share=0.6,
        chemicals=("甲醇", "甲苯", "二甲苯", "苯乙烯", "乙醇", "丙酮", "汽油", "柴油", "液化石油气", "液氨", "乙酸"),
        chemical_count=(3, 8),
        tonnes=(20, 5000),
        mhs_share=0.12,
        process_share=0.0,
        inspection_weight=2.5,
        mix=(1, 4, 7),
        places="储罐区、仓库、装卸区、停车场",
        locations=("储罐区", "1#仓库", "2#仓库", "装卸区", "停车场", "消防泵房"),
        plant=True,
    ),
    Archetype(
        code="carrier",
        roles=("transport",),
        optional_roles=(),
        industries=("道路危险货物运输",),
        words=("危险品运输", "运输", "物流"),
        licence=TRANSPORT_LICENCE,
        licence_share=1.0,
        chemicals=("汽油", "柴油", "甲醇", "液化石油气", "液氨", "硫酸", "盐酸"),
        chemical_count=(2, 5),
        tonnes=None,
        mhs_share=0.0,
        process_share=0.0,
        inspection_weight=1.0,
        mix=(3, 5, 5),
        places="停车场、车辆维修间、动态监控室",
        locations=("停车场", "动态监控室", "车辆维修间", "驾驶员档案"),
        plant=False,
    ),
    Archetype(
        code="user",
        roles=("use",),
        optional_roles=(("storage", 0.6),),
        industries=(
            "医药制造业",
            "计算机、通信和其他电子设备制造业",
            "金属制品业",
            "纺织业",
            "食品制造业",
            "汽车制造业",
            "研究和试验发展",
        ),
        words=(
            "制药",
            "医药",
            "电子",
            "电子材料",
            "光电",
            "表面处理",
            "金属制品",
            "印染",
            "食品",
            "冷链物流",
            "汽车零部件",
            "生物科技",
        ),
        licence=USE_LICENCE,
        licence_share=0.15,
        chemicals=(
            "盐酸",
            "硫酸",
            "氢氧化钠",
            "乙醇",
            "异丙醇",
            "丙酮",
            "液氨",
            "氢气",
            "天然气",
            "次氯酸钠溶液",
            "过氧化氢溶液",
            "液氮",
            "二甲苯",
            "乙酸丁酯",
        ),
        chemical_count=(2, 6),
        tonnes=(0.5, 80),
        mhs_share=0.01,
        process_share=0.0,
        inspection_weight=1.2,
        mix=(15, 20, 20),
        places="生产车间、化学品仓库、配液间",
        locations=("使用车间", "化学品暂存间", "实验室", "配液间", "冷库机房", "危废暂存间"),
        plant=True,
    ),
    Archetype(
        code="disposal",
        roles=("disposal", "storage"),
        optional_roles=(),
        industries=("危险废物治理",),
        words=("环保科技", "环境服务", "固废处置", "再生资源"),
        licence=WASTE_LICENCE,
        licence_share=1.0,
        chemicals=("硫酸", "盐酸", "氢氧化钠", "柴油", "天然气"),
        chemical_count=(1, 3),
        tonnes=(5, 200),
        mhs_share=0.0,
        process_share=0.0,
        inspection_weight=2.0,
        mix=(0, 1, 1.5),
        places="焚烧车间、危废暂存库、污水处理站",
        locations=("焚烧车间", "危废暂存库", "污水处理站", "中控室"),
        plant=True,
    ),
)
