"""The fields of techledger-national-export/1, per record kind: one table drives the format
document (docs/national-export.md), the CSV header and parsing, the reader and the public
API's allow-list. Each field names the rule that makes it public.

Sources: BD 2 (Baoding item 2: 科技成果登记公开, 职务科技成果披露, 信息按规定公开); 科技成果登记办法
(the registration record the registry publishes) [N]; Patent Law art. 21/39 (granted patents
are published by CNIPA) [N]; BD 4 (Baoding item 4: 技术合同登记 data 互联互通); [D] our choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

FORMAT: Final = "techledger-national-export/1"
RecordKind = Literal["achievement", "contract"]
FieldType = Literal["str", "int", "bool", "date", "list"]
KINDS: Final[tuple[RecordKind, ...]] = ("achievement", "contract")


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    label: str  # the national database's item (Chinese)
    source: str  # the rule that makes it public
    events: tuple[str, ...] = ()  # the event types that carry it; () means every record


REG = "achievement_registered"
ENVELOPE: Final = (
    Field("format", "str", "格式版本", "[D] versioning"),
    Field("record_kind", "str", "记录类别", "[D]"),
    Field("position", "int", "账本位置", "[D] the ledger's notification position"),
    Field("event_type", "str", "事件类型", "[D]"),
    Field("effective_date", "date", "生效日期", "BD 2 / BD 4: the date the change takes effect"),
    Field("recorded_at", "str", "记录时间(UTC)", "[D] when the ledger recorded it"),
    Field("id", "str", "成果或合同标识", "[D] stable identifier of the record's subject"),
)
_ACH: Final = (
    Field("registration_no", "str", "批准登记号", "科技成果登记办法 [N]", (REG,)),
    Field("registry_code", "str", "登记机构代码", "科技成果登记办法 [N]", (REG,)),
    Field("achievement_name", "str", "成果名称", "科技成果登记办法 [N]; BD 2", (REG,)),
    Field("category_code", "str", "成果类别", "科技成果登记办法 [N]", (REG,)),
    Field("hefei_subtype_code", "str", "可转化成果类型", "Hefei art. 2", (REG,)),
    Field("forms", "list", "成果形式", "Hefei art. 2", (REG,)),
    Field("technical_field_code", "str", "技术领域代码", "BD 2; code table [D]", (REG,)),
    Field("technical_field", "str", "技术领域", "BD 2", (REG,)),
    Field("keywords", "list", "关键词", "科技成果登记办法 [N]", (REG,)),
    Field("summary", "str", "成果简介", "科技成果登记办法 [N]", (REG,)),
    Field("completing_units", "list", "完成单位",
          "科技成果登记办法 [N]; individuals' names withheld (PIPL art. 13) [N]", (REG,)),
    Field("region_code", "str", "所在地区(GB/T 2260)", "BD 2; first unit's region", (REG,)),
    Field("fiscal_funded", "bool", "财政资金支持", "BD 2 (全覆盖登记 of fiscal outputs)", (REG,)),
    Field("project_id", "str", "科技计划项目标识", "BD 1-2", (REG,)),
    Field("maturity_code", "str", "成熟度", "Hefei art. 3", (REG,)),
    Field("trl", "int", "技术就绪度", "Hefei art. 3", (REG,)),
    Field("patents", "list", "知识产权(专利)", "Patent Law art. 39 (published grants) [N]",
          (REG,)),
    Field("completer_count", "int", "完成人数", "[D] names withheld (PIPL art. 13) [N]", (REG,)),
    Field("transfer_intent_code", "str", "转化意向", "BD 2 (职务科技成果披露)",
          ("achievement_disclosed",)),
    Field("ip_status", "str", "知识产权状况", "BD 2 (职务科技成果披露)", ("achievement_disclosed",)),
    Field("patent_no", "str", "专利号", "Patent Law art. 39 [N]", ("patent_status_changed",)),
    Field("patent_status_code", "str", "专利法律状态", "Patent Law art. 44 (published) [N]",
          ("patent_status_changed",)),
    Field("cancellation_reason_code", "str", "撤销登记原因", "科技成果登记办法 [N] (撤销)",
          ("registration_cancelled",)),
)
CREG = "contract_registered"
_CON: Final = (
    Field("contract_type_code", "str", "合同类别", "BD 4; Civil Code ch. 20 [N]", (CREG,)),
    Field("contract_variant_code", "str", "合同子类", "Civil Code arts. 851, 862 [N]", (CREG,)),
    Field("technical_field_code", "str", "技术领域代码", "BD 4; code table [D]", (CREG,)),
    Field("technical_field", "str", "技术领域", "BD 4", (CREG,)),
    Field("seller_kind_code", "str", "卖方单位性质", "BD 4 (statistics by entity kind)", (CREG,)),
    Field("buyer_kind_code", "str", "买方单位性质", "BD 4 (statistics by entity kind)", (CREG,)),
    Field("seller_region_code", "str", "卖方所在地区", "BD 4 (flows between regions)", (CREG,)),
    Field("buyer_region_code", "str", "买方所在地区", "BD 4 (flows between regions)", (CREG,)),
    Field("achievement_ids", "list", "涉及成果标识", "BD 4 (成果、合同登记信息互联互通)", (CREG,)),
    Field("achievement_registration_nos", "list", "涉及成果登记号", "BD 4", (CREG,)),
    Field("signed_date", "date", "签订日期", "BD 4", (CREG,)),
    Field("term_end_date", "date", "合同期限至", "BD 4", (CREG, "contract_amended")),
    Field("pricing_code", "str", "定价方式", "Transformation Law art. 18 [N]", (CREG,)),
    Field("exchange_id", "str", "登记机构标识", "BD 4", (CREG,)),
    Field("exchange_name", "str", "登记机构", "BD 4", (CREG,)),
)
FIELDS: Final[dict[RecordKind, tuple[Field, ...]]] = {
    "achievement": ENVELOPE + _ACH, "contract": ENVELOPE + _CON}

# Parts of the list fields: a completing unit and a patent (allow-lists of their keys).
UNIT_KEYS: Final = ("unit_id", "unit_name", "credit_code", "unit_kind_code", "region_code")
PATENT_KEYS: Final = ("patent_no", "patent_kind_code", "patent_name", "grant_date",
                      "expiry_date", "patent_status_code")
EVENT_TYPES: Final[dict[RecordKind, tuple[str, ...]]] = {
    "achievement": (REG, "achievement_disclosed", "patent_status_changed",
                    "registration_cancelled", "company_formed"),
    "contract": (CREG, "contract_amended", "contract_terminated"),
}


def columns(kind: RecordKind) -> tuple[str, ...]:
    """The CSV header of a record kind: every field, in table order."""
    return tuple(f.name for f in FIELDS[kind])
