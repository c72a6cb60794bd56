"""Code tables of the national export (techledger-national-export/1): what the national
achievement database (国家科技成果项目库) and the national contract-registration statistics
expect in place of our enum values (Baoding item 2: 加强与国家科技成果项目库对接).

Each table maps our value to (code, Chinese name). The tables are data under a version: a code
once published keeps its meaning; a new value gets a new code (docs/national-export.md).
"""

from __future__ import annotations

from typing import Final

CODES_VERSION: Final = "national-codes-2026.1"
Table = dict[str, tuple[str, str]]

# 科技成果登记办法: 基础理论成果, 应用技术成果, 软科学成果; the letter is the one in the
# registration number (domain.policy.NUMBERING_2026), so a code can be read off the number.
CATEGORY: Final[Table] = {
    "basic_theory": ("J", "基础理论成果"),
    "applied_technology": ("Y", "应用技术成果"),
    "soft_science": ("R", "软科学成果"),
}

# Civil Code book 3 chapter 20 (技术合同) in its order: development, transfer, license,
# consulting, service [N]; the two-digit numbering is ours [D].
CONTRACT_TYPE: Final[Table] = {
    "development": ("01", "技术开发"),
    "transfer": ("02", "技术转让"),
    "license": ("03", "技术许可"),
    "consulting": ("04", "技术咨询"),
    "service": ("05", "技术服务"),
}
CONTRACT_VARIANT: Final[Table] = {
    "entrusted": ("0101", "委托开发"),
    "cooperative": ("0102", "合作开发"),
    "exclusive": ("0301", "独占许可"),
    "sole": ("0302", "排他许可"),
    "ordinary": ("0303", "普通许可"),
}

# Technical fields (技术领域) as the national technology-contract statistics group them; our
# free-text fields map onto them, anything else is 99 with the text kept beside the code [D].
TECHNICAL_FIELD: Final[Table] = {
    "电子信息": ("01", "电子信息"),
    "航空航天": ("02", "航空航天"),
    "先进制造": ("03", "先进制造"),
    "生物医药": ("04", "生物、医药和医疗器械"),
    "新材料": ("05", "新材料及其应用"),
    "新能源": ("06", "新能源与高效节能"),
    "节能环保": ("07", "环境保护与资源综合利用"),
    "核应用": ("08", "核应用技术"),
    "现代农业": ("09", "农业"),
    "现代交通": ("10", "现代交通"),
    "城市建设与社会发展": ("11", "城市建设与社会发展"),
}
OTHER_FIELD: Final = ("99", "其他")

MATURITY: Final[Table] = {  # Hefei art. 3 (成熟度)
    "concept_verification": ("1", "概念验证"),
    "pilot": ("2", "小试中试"),
    "industrialization": ("3", "产业化"),
}
HEFEI_SUBTYPE: Final[Table] = {  # Hefei art. 2
    "applied_research": ("1", "应用技术研究成果"),
    "development_industrialization": ("2", "技术开发及产业化成果"),
}
PARTY_KIND: Final[Table] = {  # 单位性质 [D]
    "university": ("1", "高等院校"),
    "research_institute": ("2", "科研机构"),
    "enterprise": ("3", "企业"),
    "individual": ("4", "个人"),
    "bank": ("5", "金融机构"),
    "evaluation_agency": ("6", "第三方评价机构"),
    "transfer_agency": ("7", "技术转移机构"),
    "government": ("8", "政府部门"),
}
PATENT_KIND: Final[Table] = {  # Patent Law art. 2: 发明, 实用新型, 外观设计
    "invention": ("1", "发明"), "utility_model": ("2", "实用新型"), "design": ("3", "外观设计"),
}
PATENT_STATUS: Final[Table] = {
    "valid": ("1", "有效"), "lapsed": ("2", "失效"), "invalidated": ("3", "无效宣告"),
    "fee_overdue": ("4", "欠费"), "expired": ("5", "期满终止"),
}
TRANSFER_INTENT: Final[Table] = {  # 职务科技成果披露: 转化意向 (Baoding item 2)
    "transfer": ("1", "转让"), "license": ("2", "许可"), "equity": ("3", "作价入股"),
    "self_use": ("4", "自行实施"), "undecided": ("9", "未定"),
}
CANCELLATION_REASON: Final[Table] = {
    "fraud": ("1", "弄虚作假"), "plagiarism": ("2", "抄袭剽窃"), "infringement": ("3", "侵权"),
    "other": ("9", "其他"),
}
PRICING: Final[Table] = {  # Law on Promoting the Transformation of S&T Achievements art. 18
    "agreement": ("1", "协议定价"), "listing": ("2", "挂牌交易"), "auction": ("3", "拍卖"),
}

TABLES: Final[dict[str, Table]] = {
    "category": CATEGORY, "contract_type": CONTRACT_TYPE, "contract_variant": CONTRACT_VARIANT,
    "technical_field": TECHNICAL_FIELD, "maturity": MATURITY, "hefei_subtype": HEFEI_SUBTYPE,
    "party_kind": PARTY_KIND, "patent_kind": PATENT_KIND, "patent_status": PATENT_STATUS,
    "transfer_intent": TRANSFER_INTENT, "cancellation_reason": CANCELLATION_REASON,
    "pricing": PRICING,
}


def code(table: Table, value: str | None) -> str | None:
    """The national code of one of our values (None stays None)."""
    return None if value is None else table[value][0]


def value_of(table: Table, national: str | None) -> str | None:
    """Our value for a national code: the reader's way back. An unknown code (a newer code
    table's) is a ValueError naming it, not a bare StopIteration from deep in a reader."""
    if national is None:
        return None
    ours = next((ours for ours, (c, _) in table.items() if c == national), None)
    if ours is None:
        raise ValueError(f"unknown national code {national!r} (code tables {CODES_VERSION})")
    return ours


def field_code(field: str) -> str:
    return TECHNICAL_FIELD.get(field, OTHER_FIELD)[0]
