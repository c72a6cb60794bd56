"""The national export's code tables and field tables: every value of ours has a code, no code
means two things, and the format document lists exactly the fields the schema exports."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

import pytest

from domain.contract import ContractType, ContractVariant, PricingMethod
from domain.values import (
    CancellationReason,
    Category,
    HefeiSubtype,
    MaturityStage,
    PartyKind,
    PatentKind,
    PatentStatus,
    TransferIntent,
)
from services import national_codes as nc
from services.national_schema import FIELDS

DOC = Path(__file__).parents[2] / "docs" / "national-export.md"
ENUMS: dict[str, type[StrEnum]] = {
    "category": Category, "contract_type": ContractType, "contract_variant": ContractVariant,
    "maturity": MaturityStage, "hefei_subtype": HefeiSubtype, "party_kind": PartyKind,
    "patent_kind": PatentKind, "patent_status": PatentStatus, "transfer_intent": TransferIntent,
    "cancellation_reason": CancellationReason, "pricing": PricingMethod,
}


@pytest.mark.parametrize("name", sorted(ENUMS))
def test_every_value_has_one_code_and_reads_back(name: str) -> None:
    table = nc.TABLES[name]
    assert set(table) == {member.value for member in ENUMS[name]}
    codes = [code for code, _ in table.values()]
    assert len(set(codes)) == len(codes), f"a code of {name} is used twice"
    assert all(nc.value_of(table, nc.code(table, v)) == v for v in table)


def test_unknown_fields_are_other_and_known_ones_distinct() -> None:
    assert nc.field_code("科技管理与政策") == "99"
    assert nc.field_code("新能源") == "06"
    codes = [code for code, _ in nc.TECHNICAL_FIELD.values()]
    assert len(set(codes)) == len(codes) and nc.OTHER_FIELD[0] not in codes


def test_the_format_document_lists_every_exported_field_with_its_label() -> None:
    text = DOC.read_text(encoding="utf-8")
    for kind, fields in FIELDS.items():
        section = text.split(f"### Record kind `{kind}`")[1].split("\n#")[0]
        rows = re.findall(r"^\| `([a-z_]+)` \| (\w+) \| ([^|]+) \|", section, flags=re.MULTILINE)
        assert [(n, t, label.strip()) for n, t, label in rows] == [
            (f.name, f.type, f.label) for f in fields]
    for name, table in nc.TABLES.items():
        section = text.split(f"### `{name}`")[1].split("\n#")[0]
        assert re.findall(r"^\| `([^`]+)` \| `(\w+)` \|", section, flags=re.MULTILINE) == [
            (ours, code) for ours, (code, _) in table.items()]


def test_an_unknown_code_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="unknown national code '7'"):
        nc.value_of(nc.CATEGORY, "7")
