"""Enumerations and value objects shared by the aggregates (names follow DOMAIN.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID


class PartyKind(StrEnum):
    UNIVERSITY = "university"  # 高等院校
    RESEARCH_INSTITUTE = "research_institute"  # 科研机构
    ENTERPRISE = "enterprise"  # 企业
    INDIVIDUAL = "individual"  # 个人
    BANK = "bank"  # 金融机构
    EVALUATION_AGENCY = "evaluation_agency"  # 第三方评价机构
    TRANSFER_AGENCY = "transfer_agency"  # 技术转移机构
    GOVERNMENT = "government"  # 政府部门

    @property
    def is_organisation(self) -> bool:
        return self is not PartyKind.INDIVIDUAL


class ExpertType(StrEnum):
    """Hefei art. 11: panels draw technical, industry, investment and market experts."""

    TECHNICAL = "technical"
    INDUSTRY = "industry"
    INVESTMENT = "investment"
    MARKET = "market"


class RelationKind(StrEnum):
    """Declared interest relations that require recusal (利益关联回避, Baoding item 7)."""

    EMPLOYMENT = "employment"
    FORMER_EMPLOYMENT = "former_employment"
    SHAREHOLDING = "shareholding"
    COLLABORATION = "collaboration"
    FAMILY = "family"
    OTHER = "other"


class Category(StrEnum):
    BASIC_THEORY = "basic_theory"  # 基础理论
    APPLIED_TECHNOLOGY = "applied_technology"  # 应用技术
    SOFT_SCIENCE = "soft_science"  # 软科学


class HefeiSubtype(StrEnum):
    """Hefei art. 2: the two kinds of transferable achievement and their forms."""

    APPLIED_RESEARCH = "applied_research"  # 应用技术研究成果
    DEVELOPMENT_INDUSTRIALIZATION = "development_industrialization"  # 技术开发及产业化成果


class AchievementForm(StrEnum):
    PATENT = "patent"
    SAMPLE = "sample"
    RESEARCH_PLAN = "research_plan"
    FUNCTIONAL_CONCLUSION = "functional_conclusion"
    TECHNICAL_SOLUTION = "technical_solution"
    FUNCTIONAL_COMPONENT = "functional_component"
    PROTOTYPE = "prototype"
    TECHNICAL_STANDARD = "technical_standard"


# Hefei art. 2 (一)(二): which forms belong to which subtype.
FORMS_BY_SUBTYPE: dict[HefeiSubtype, frozenset[AchievementForm]] = {
    HefeiSubtype.APPLIED_RESEARCH: frozenset(
        {AchievementForm.PATENT, AchievementForm.SAMPLE, AchievementForm.RESEARCH_PLAN,
         AchievementForm.FUNCTIONAL_CONCLUSION}
    ),
    HefeiSubtype.DEVELOPMENT_INDUSTRIALIZATION: frozenset(
        {AchievementForm.TECHNICAL_SOLUTION, AchievementForm.FUNCTIONAL_COMPONENT,
         AchievementForm.PROTOTYPE, AchievementForm.TECHNICAL_STANDARD}
    ),
}


class MaturityStage(StrEnum):
    """Hefei art. 3 (maturity): concept verification, pilot, industrialization."""

    CONCEPT_VERIFICATION = "concept_verification"  # 概念验证
    PILOT = "pilot"  # 小试中试
    INDUSTRIALIZATION = "industrialization"  # 产业化


class Secrecy(StrEnum):
    PUBLIC = "public"
    STATE_SECRET = "state_secret"  # 涉及国家秘密


class PatentKind(StrEnum):
    INVENTION = "invention"
    UTILITY_MODEL = "utility_model"
    DESIGN = "design"


class PatentStatus(StrEnum):
    VALID = "valid"
    LAPSED = "lapsed"
    INVALIDATED = "invalidated"
    FEE_OVERDUE = "fee_overdue"
    EXPIRED = "expired"


class TransferIntent(StrEnum):
    TRANSFER = "transfer"
    LICENSE = "license"
    EQUITY = "equity"  # 作价入股
    SELF_USE = "self_use"
    UNDECIDED = "undecided"


class CancellationReason(StrEnum):
    FRAUD = "fraud"
    PLAGIARISM = "plagiarism"
    INFRINGEMENT = "infringement"
    OTHER = "other"


@dataclass(frozen=True)
class Patent:
    number: str
    kind: PatentKind
    title: str
    grant_date: date | None
    expiry_date: date | None
    status: PatentStatus = PatentStatus.VALID


@dataclass(frozen=True)
class IpItem:
    """Intellectual property other than patents (software copyright, standard, trademark...)."""

    kind: str
    identifier: str
    title: str


@dataclass(frozen=True)
class Completer:
    """A person who completed the work; linked to a party when that person is registered."""

    name: str
    party_id: UUID | None = None
    affiliation_id: UUID | None = None


@dataclass(frozen=True)
class Funding:
    fiscal: bool
    project_id: UUID | None = None
    amount: Decimal | None = None
    source: str = ""


@dataclass(frozen=True)
class Relation:
    party_id: UUID
    kind: RelationKind
    note: str = ""


class EvaluationClass(StrEnum):
    """Baoding's evaluation-content table and Hefei's transferable-achievement evaluation."""

    TRANSFERABLE = "transferable"  # 可转化科技成果评价 (Hefei arts. 3-11)
    BASIC_RESEARCH = "basic_research"  # 基础研究成果: 小同行评议, 代表作; by the 立项单位
    APPLIED_RESEARCH = "applied_research"  # 应用研究成果: 用户评价, 市场检验, 第三方评价
    PRE_APPROVAL = "pre_approval"  # 市科技计划项目立项前评估


class EvaluationForm(StrEnum):
    """Hefei art. 4: how a transferable achievement is evaluated."""

    ON_SITE = "on_site"  # 现场评价(会议评价)
    MARKET_TEST = "market_test"  # 市场检验评价: auxiliary for development_industrialization
    TEST_REPORT = "test_report"  # 检测报告评价: auxiliary for applied_research
    ONLINE_TOOL = "online_tool"  # 线上工具评价
    COMPREHENSIVE = "comprehensive"  # 综合评价


class ManagerStage(StrEnum):
    """Baoding item 6: technology managers take part from disclosure to negotiation."""

    DISCLOSURE = "disclosure"  # 发明披露
    ASSESSMENT = "assessment"  # 评估
    NEGOTIATION = "negotiation"  # 对接谈判


@dataclass(frozen=True)
class Qualification:
    """An evaluation agency's recorded qualification (Baoding item 8: 明确机构资质)."""

    scope: tuple[EvaluationClass, ...]
    issuer: str
    certificate_no: str
    valid_from: date
    valid_to: date

    def covers(self, evaluation_class: EvaluationClass, day: date) -> bool:
        return evaluation_class in self.scope and self.valid_from <= day <= self.valid_to
