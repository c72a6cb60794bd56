"""A synthetic but varied registry for bench.matching: Chinese achievement titles and summaries
across the demo's fields (api.demo_names.FIELDS: their keywords and subjects), and demands
phrased as enterprises write them (寻求…技术, 我公司…需要…). Seeded, so every run is the same."""

from __future__ import annotations

import random
from dataclasses import dataclass

from api.demo_names import APPLIED_TITLES, FIELDS

OBJECTS = ("装置", "系统", "平台", "方法", "材料", "工艺", "设备", "模组", "传感器", "控制器",
           "检测方法", "监测系统", "评价体系", "制备技术", "智能终端")
ENDINGS = ("研究", "研发", "及应用", "关键技术", "")
OPENINGS = ("", "", "新型", "高效", "低成本", "智能化", "绿色", "高可靠", "大功率", "便携式",
            "模块化", "柔性")
SCENES = ("生产线", "储能电站", "工业园区", "三甲医院", "高标准农田", "煤矿井下", "城市道路",
          "污水处理厂", "数据中心", "变电站", "养殖场", "化工园区", "汽车工厂", "县域医院",
          "设施大棚", "港口码头", "钢铁企业", "电子制造车间")
PROBLEMS = ("能耗高", "效率低", "成本高", "可靠性差", "检测精度不足", "依赖人工", "污染排放大",
            "寿命短", "响应慢", "一致性差", "安全隐患突出", "国外技术垄断")
VERBS = ("研制了", "开发了", "提出了", "构建了", "设计了", "突破了", "建立了")
TECHS = ("建模", "控制策略", "优化算法", "制备工艺", "结构设计", "在线监测", "封装技术",
         "数据融合", "故障诊断", "表面改性", "精密加工", "系统集成")
RESULTS = ("主要性能指标达到国内领先水平", "转换效率提高{n}%", "生产成本降低{n}%",
           "检测准确率达到9{d}%", "使用寿命延长{n}%", "能耗下降{n}%", "关键部件实现国产化替代")
PLACES = ("保定", "合肥", "石家庄", "天津", "北京", "雄安新区", "芜湖", "廊坊")
OUTCOMES = ("已在{place}等地{n}家企业推广应用", "在{place}建成中试线", "获授权发明专利{n}项",
            "形成企业标准{d}项", "新增产值{n}00万元", "完成{place}示范工程验收")
NEEDS = ("我公司{scene}存在{problem}的问题，需要{subject}相关技术。",
         "企业拟在{scene}上马新项目，寻求{subject}及{keyword}方面的成熟成果。",
         "现有{scene}{problem}，希望引进{keyword}{object}，可接受技术许可或转让。",
         "需要{keyword}领域的{object}，用于{scene}改造升级。")
DEMAND_TITLES = ("寻求{subject}技术", "{subject}技术需求", "{keyword}{object}技术合作",
                 "征集{scene}{keyword}解决方案", "{subject}成果转化需求")


@dataclass(frozen=True)
class Record:
    """An achievement (title + summary) or a demand (title + description)."""

    field: str
    title: str
    text: str
    keywords: tuple[str, ...]


def _fill(rnd: random.Random, pattern: str, field: str) -> str:
    words, subjects = FIELDS[field]
    return pattern.format(subject=rnd.choice(subjects), keyword=rnd.choice(words),
                          object=rnd.choice(OBJECTS), scene=rnd.choice(SCENES),
                          problem=rnd.choice(PROBLEMS), place=rnd.choice(PLACES),
                          n=rnd.randint(5, 60), d=rnd.randint(1, 9))


def _title(rnd: random.Random, field: str) -> str:
    if rnd.random() < 0.5:
        return _fill(rnd, rnd.choice(APPLIED_TITLES), field)
    opening, ending = rnd.choice(OPENINGS), rnd.choice(ENDINGS)
    return _fill(rnd, f"{opening}{{keyword}}{{object}}{ending}", field)


def achievement(rnd: random.Random) -> Record:
    field = rnd.choice(list(FIELDS))
    verb = rnd.choice(VERBS)
    sentences = [_fill(rnd, f"本成果针对{{scene}}{{problem}}的问题，{verb}{{subject}}。", field)]
    tech, result = rnd.choice(TECHS), rnd.choice(RESULTS)
    sentences.append(_fill(rnd, f"项目突破了{{keyword}}{tech}等关键技术，{result}。", field))
    sentences.append(_fill(rnd, f"{rnd.choice(OUTCOMES)}。", field))
    summary = "".join(rnd.sample(sentences, rnd.randint(2, 3)))
    keywords = tuple(rnd.sample(FIELDS[field][0], rnd.randint(1, 3)))
    return Record(field, _title(rnd, field), summary, keywords)


def demand(rnd: random.Random) -> Record:
    field = rnd.choice(list(FIELDS))
    keywords = tuple(rnd.sample(FIELDS[field][0], rnd.randint(1, 3)))
    text = "".join(_fill(rnd, p, field) for p in rnd.sample(NEEDS, 2))
    return Record(field, _fill(rnd, rnd.choice(DEMAND_TITLES), field), text, keywords)


def corpus(seed: int, achievements: int, demands: int) -> tuple[list[Record], list[Record]]:
    rnd = random.Random(seed)
    return [achievement(rnd) for _ in range(achievements)], [demand(rnd) for _ in range(demands)]
