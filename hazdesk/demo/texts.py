"""Wording for demo findings: site details an inspector adds to a checklist finding, and hazards noted
outside the checklist. Legal bases cite the 2021 安全生产法 and national standards by article number as
commonly cited in enforcement documents; demo text, not legal advice."""

from __future__ import annotations

from hazdesk.demo.rand import DemoRandom

# Extra detail after a checklist finding, by a word of the checklist section; {loc} is the 隐患部位.
_DETAILS: dict[str, tuple[str, ...]] = {
    "责任": ("抽查{loc}相关记录，{m}月份以后未见更新。", "现场询问{n}名员工均不清楚本岗位安全职责。"),
    "人员": ("现场抽查{n}名作业人员，其中{k}人证件过期。", "当班{n}名作业人员均未能出示培训记录。"),
    "一书一签": ("{loc}{n}个包装桶安全标签缺失或字迹模糊。", "{loc}未见对应化学品的安全技术说明书。"),
    "自动化": ("{loc}{n}处联锁处于旁路状态，无审批记录。", "{loc}{n}台可燃气体检测报警器超过检定有效期。"),
    "重大危险源": ("{loc}液位数据未接入监测预警系统。", "包保责任人{m}月份未按要求开展安全检查。"),
    "特殊作业": ("抽查{m}月{d}日作业票{n}份，气体分析时间超过30分钟仍开始作业。", "{loc}动火作业现场未见监护人。"),
    "设备": ("{loc}{n}只安全阀超过校验有效期。", "{loc}{n}台压力容器超期未检验。"),
    "储存": (
        "{loc}内禁忌物料相邻存放，间距不足。",
        "{loc}实际存放量超过设计储存量。",
        "{loc}防火堤内有积水和杂物，排水阀常开。",
    ),
    "应急": ("{loc}应急器材柜内{n}具空气呼吸器气压不足。", "今年以来未见{loc}现场处置方案演练记录。"),
    "": ("{loc}存在该问题。",),
}

# Hazards noted outside the checklist: (description, legal basis, rectification measure).
FREE_FORM: tuple[tuple[str, str, str], ...] = (
    (
        "消防车通道被物料和车辆占用。",
        "《中华人民共和国消防法》第二十八条",
        "立即清理消防车通道，设置禁止占用标识并落实日常巡查。",
    ),
    (
        "部分灭火器压力不足，未按期检查维护。",
        "《中华人民共和国消防法》第十六条",
        "更换压力不足的灭火器，建立并落实每月检查记录。",
    ),
    (
        "安全警示标志缺失或设置不规范。",
        "《中华人民共和国安全生产法》第三十五条",
        "在有较大危险因素的场所和设备设施上设置明显的安全警示标志。",
    ),
    (
        "从业人员未按规定佩戴劳动防护用品。",
        "《中华人民共和国安全生产法》第四十五条、第五十七条",
        "为从业人员配备符合标准的劳动防护用品，并监督、教育其正确佩戴使用。",
    ),
    (
        "防雷防静电设施未按期检测。",
        "《中华人民共和国安全生产法》第三十六条",
        "委托有资质的机构对防雷防静电设施进行检测，检测合格后方可使用。",
    ),
    (
        "现场临时用电线路私拉乱接，未使用防爆电器。",
        "《中华人民共和国安全生产法》第三十六条；GB 50058",
        "拆除私拉乱接线路，按爆炸危险区域划分更换防爆电气设备。",
    ),
    (
        "洗眼器、喷淋装置无水或损坏。",
        "《中华人民共和国安全生产法》第三十六条",
        "修复洗眼器和喷淋装置，确保随时可用，并纳入日常巡检。",
    ),
    (
        "安全生产费用未按规定提取和使用，台账不全。",
        "《中华人民共和国安全生产法》第二十三条",
        "按规定足额提取安全生产费用，建立使用台账并专款专用。",
    ),
    (
        "外来施工单位安全管理协议未签订。",
        "《中华人民共和国安全生产法》第四十九条",
        "与承包、承租单位签订专门的安全生产管理协议，明确各自的安全生产管理职责。",
    ),
    (
        "危险化学品出入库登记台账不全，数量与实物不符。",
        "《危险化学品安全管理条例》第二十五条",
        "建立健全出入库核查、登记制度，定期盘点，做到账物相符。",
    ),
    (
        "应急照明和疏散指示标志损坏。",
        "《中华人民共和国消防法》第十六条",
        "修复或更换应急照明和疏散指示标志，确保完好有效。",
    ),
    (
        "生产区域内设置员工休息室。",
        "《中华人民共和国安全生产法》第四十二条",
        "立即撤除生产区域内的员工休息场所，与生产设施保持安全距离。",
    ),
)

_SITE_AREAS = ("管理档案", "安全管理台账")


def detail(rng: DemoRandom, section: str, location: str) -> str:
    """A site-specific sentence for a finding, chosen by a keyword of its checklist section."""
    options = next((v for k, v in _DETAILS.items() if k and k in section), _DETAILS[""])
    text = rng.choice(options)
    return text.format(loc=location, n=rng.randint(2, 6), k=1, m=rng.randint(1, 12), d=rng.randint(1, 28))


def location_for(rng: DemoRandom, section: str, locations: tuple[str, ...], unit_names: tuple[str, ...]) -> str:
    """Where the hazard is (隐患部位): a unit for hazard-source items, the files for management items."""
    if "责任" in section or "人员" in section:
        return rng.choice(_SITE_AREAS)
    if unit_names and ("重大危险源" in section or "储存" in section) and rng.random() < 0.6:
        return rng.choice(unit_names)
    return rng.choice(locations)
