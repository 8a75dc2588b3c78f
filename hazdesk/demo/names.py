"""Fictional people, phone numbers, enterprise names and addresses in Nanjing's districts.

Names are drawn from common surnames (weighted roughly by frequency in Jiangsu) and common given-name
characters; enterprise names follow the registered pattern 行政区划 + 字号 + 行业 + 组织形式
(南京华联化工有限公司). Every combination is invented; a real company may share a name by chance, as it
would with any name generator, but no real register was used.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from hazdesk.demo.rand import DemoRandom, Weighted
from hazdesk.paths import resource_path

_SURNAMES = Weighted(
    [
        *((s, 6.0) for s in "王陈张李刘徐朱周吴孙"),
        *((s, 3.0) for s in "杨黄赵马胡郭何高林顾沈陆钱"),
        *((s, 1.5) for s in "罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任姚卢姜崔钟"),
        *((s, 0.6) for s in "谭汪范金石廖贾夏韦方邹孟熊秦邱江尹薛段雷侯龙史陶贺毛郝龚邵万严戴孔汤"),
        ("欧阳", 0.2),
        ("司马", 0.05),
        ("诸葛", 0.05),
    ]
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂建国华文斌鹏辉俊峰宇浩凯健婷雪琳晨昊志海亮波宁颖"
    "红玲丹萍鑫晓东飞林玉兰春荣云燕蕾梅莉瑞琪子涵欣悦嘉怡佳文博思远毅松柏坤晖彬"
)

# 字号 characters: auspicious, common in registered trade names.
_TRADE_CHARS = (
    "华联扬子金陵远东恒通中盛苏宁新瑞丰永泰鼎宏达天成茂源嘉禾德昌润泽海力方宇和荣信诚安顺利兴隆鑫汇"
    "佳宝鸿博凯晟星辰康明科瀚钜峰广益捷锦元亚洲光大正长江龙凤祥云泓沃铭弘骏恺翔睿腾越启航"
)
_ORG_FORMS = Weighted(
    [("有限公司", 72), ("有限责任公司", 10), ("股份有限公司", 8), ("科技有限公司", 6), ("集团有限公司", 4)]
)
_TITLES = Weighted(
    [
        ("安全总监", 3),
        ("安全环保部经理", 3),
        ("安全科科长", 3),
        ("生产副总经理", 2),
        ("总经理", 2),
        ("设备部经理", 1),
        ("安全员", 2),
        ("站长", 1),
    ]
)


@dataclass(frozen=True)
class Park:
    name: str
    streets: tuple[str, ...]
    roads: tuple[str, ...]
    center: tuple[float, float]


@dataclass(frozen=True)
class DistrictInfo:
    code: str
    name: str
    short: str
    profile: str  # urban / suburban / industrial: shapes the mix of enterprises
    weight: float  # share of the city's enterprises
    center: tuple[float, float]
    streets: tuple[str, ...]
    roads: tuple[str, ...]
    chemical_parks: tuple[Park, ...]
    industrial_parks: tuple[str, ...]

    @property
    def bureau(self) -> str:
        return f"{city()['city']}{self.name}应急管理局"


@cache
def city() -> dict[str, str]:
    data = json.loads(resource_path("districts", "nanjing.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if isinstance(v, str)}


@cache
def districts() -> tuple[DistrictInfo, ...]:
    data = json.loads(resource_path("districts", "nanjing.json").read_text(encoding="utf-8"))
    out = []
    for raw in data["districts"]:
        parks = tuple(
            Park(p["name"], tuple(p["streets"]), tuple(p["roads"]), (p["center"][0], p["center"][1]))
            for p in raw["chemical_parks"]
        )
        out.append(
            DistrictInfo(
                code=raw["code"],
                name=raw["name"],
                short=raw["short"],
                profile=raw["profile"],
                weight=float(raw["weight"]),
                center=(raw["center"][0], raw["center"][1]),
                streets=tuple(raw["streets"]),
                roads=tuple(raw["roads"]),
                chemical_parks=parks,
                industrial_parks=tuple(raw["industrial_parks"]),
            )
        )
    return tuple(out)


def person_name(rng: DemoRandom) -> str:
    given = rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.7 else "")
    return rng.pick(_SURNAMES) + given


def mobile(rng: DemoRandom) -> str:
    # 13x/15x/18x/19x mobile prefixes; the rest random: fictional numbers.
    return f"1{rng.choice('3589')}{rng.randrange(10)}{rng.randrange(10**8):08d}"


def landline(rng: DemoRandom) -> str:
    return f"025-{rng.choice('5568')}{rng.randrange(10**7):07d}"


def title(rng: DemoRandom) -> str:
    return rng.pick(_TITLES)


def trade_name(rng: DemoRandom) -> str:
    return rng.choice(_TRADE_CHARS) + rng.choice(_TRADE_CHARS)


def company_name(rng: DemoRandom, words: tuple[str, ...], taken: set[str]) -> str:
    """行政区划 + 字号 + 行业 + 组织形式, unique within ``taken`` (which it extends)."""
    while True:
        trade = trade_name(rng)
        if trade[0] == trade[1]:
            continue
        word = rng.choice(words)
        form = rng.pick(_ORG_FORMS)
        if form == "科技有限公司" and word.endswith("科技"):
            form = "有限公司"
        roll = rng.random()
        if roll < 0.65:
            name = f"南京{trade}{word}{form}"
        elif roll < 0.9:
            name = f"江苏{trade}{word}{form}"
        else:  # foreign-invested style: 字号 first, place in brackets
            name = f"{trade}{word}（南京）{form}"
        if name not in taken:
            taken.add(name)
            return name


def branch_name(rng: DemoRandom, parent_word: str, site: str, kind: str, taken: set[str]) -> str:
    """A site of a company (加油站, 液化气供应站): 南京恒通石油销售有限公司将军大道加油站."""
    while True:
        name = f"南京{trade_name(rng)}{parent_word}有限公司{site}{kind}"
        if name not in taken:
            taken.add(name)
            return name


@dataclass(frozen=True)
class Address:
    text: str
    road: str
    park: str  # chemical park name, "" outside one
    longitude: float
    latitude: float


def address(rng: DemoRandom, district: DistrictInfo, *, park: Park | None, industrial: bool) -> Address:
    """街道（或园区）+ 路 + 号 in the district; coordinates scattered around the district or park centre."""
    prefix = f"{city()['city']}{district.name}"
    number = int(rng.log_uniform(1, 999))
    if park is not None:
        road = rng.choice(park.roads)
        text = f"{prefix}{park.name}{road}{number}号"
        lon, lat, spread = park.center[0], park.center[1], 0.02
    else:
        road = rng.choice(district.roads)
        area = (
            rng.choice(district.industrial_parks)
            if industrial and district.industrial_parks and rng.random() < 0.6
            else rng.choice(district.streets)
        )
        text = f"{prefix}{area}{road}{number}号"
        lon, lat, spread = district.center[0], district.center[1], 0.06
    return Address(
        text=text,
        road=road,
        park=park.name if park else "",
        longitude=round(lon + rng.uniform(-spread, spread), 6),
        latitude=round(lat + rng.uniform(-spread, spread), 6),
    )
