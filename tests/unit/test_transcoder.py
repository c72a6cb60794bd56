"""services.transcoder.OrjsonTranscoder: every supported value round-trips exactly."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import values
from domain.values import Completer, Funding, Patent, PatentKind, PatentStatus
from services.transcoder import TAG, OrjsonTranscoder

T = OrjsonTranscoder()


def roundtrip(obj: Any) -> Any:
    return T.decode(T.encode(obj))


def same(a: Any, b: Any) -> bool:
    """Equality that also tells apart types (tuple/list, bool/int), Decimal exponents, tz offsets."""
    if type(a) is not type(b):
        return False
    if isinstance(a, Decimal):
        return bool(a.as_tuple() == b.as_tuple() and str(a) == str(b))
    if isinstance(a, datetime):
        return bool(a == b and a.utcoffset() == b.utcoffset() and a.isoformat() == b.isoformat())
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


STR_ENUMS: list[type[StrEnum]] = [
    obj for obj in vars(values).values()
    if isinstance(obj, type) and issubclass(obj, StrEnum) and obj is not StrEnum
]

decimals = st.decimals(allow_nan=False, allow_infinity=False) | st.decimals(
    places=2, allow_nan=False, allow_infinity=False
)
offsets = st.integers(min_value=-(24 * 3600 - 1), max_value=24 * 3600 - 1).map(
    lambda s: timezone(timedelta(seconds=s))
)
aware_datetimes = st.datetimes(timezones=offsets)
enum_members = st.sampled_from(STR_ENUMS).flatmap(lambda cls: st.sampled_from(list(cls)))
optional_uuids = st.none() | st.uuids()
patents = st.builds(
    Patent, number=st.text(max_size=20), kind=st.sampled_from(PatentKind), title=st.text(),
    grant_date=st.none() | st.dates(), expiry_date=st.none() | st.dates(),
    status=st.sampled_from(PatentStatus),
)
completers = st.builds(Completer, name=st.text(), party_id=optional_uuids, affiliation_id=optional_uuids)
fundings = st.builds(Funding, fiscal=st.booleans(), project_id=optional_uuids,
                     amount=st.none() | decimals, source=st.text())
scalars = (
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text() | decimals | st.dates()
    | st.datetimes() | aware_datetimes | st.uuids() | enum_members | patents | completers | fundings
)
nested = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.lists(inner, max_size=4).map(tuple)
    # Keys equal to the tag are excluded here: see test_dict_with_tag_key_roundtrips (a bug).
    | st.dictionaries(st.text(max_size=8).filter(lambda k: k != TAG), inner, max_size=4),
    max_leaves=20,
)


@given(decimals)
def test_decimal_roundtrips_with_its_exponent(value: Decimal) -> None:
    assert same(roundtrip(value), value)


@pytest.mark.parametrize(
    "text", ["1.10", "1.1", "-0", "0E-7", "1E+2", "100", "-0.00", "123456789012345678901234567890.123456789",
             "Infinity", "-Infinity", "NaN", "sNaN"],
)
def test_special_decimals_roundtrip(text: str) -> None:
    value = Decimal(text)
    result = roundtrip(value)
    assert type(result) is Decimal
    assert str(result) == text
    assert result.as_tuple() == value.as_tuple()


def test_decimal_trailing_zero_is_kept() -> None:
    assert str(roundtrip(Decimal("1.10"))) == "1.10"
    assert roundtrip(Decimal("1.10")).as_tuple() != roundtrip(Decimal("1.1")).as_tuple()


@given(st.dates())
def test_date_roundtrips(value: date) -> None:
    result = roundtrip(value)
    assert type(result) is date
    assert result == value


@given(st.datetimes())
def test_naive_datetime_roundtrips(value: datetime) -> None:
    result = roundtrip(value)
    assert type(result) is datetime
    assert result.tzinfo is None
    assert result == value and result.microsecond == value.microsecond


@given(aware_datetimes)
def test_aware_datetime_keeps_its_offset(value: datetime) -> None:
    result = roundtrip(value)
    assert same(result, value)
    assert result.utcoffset() == value.utcoffset()


def test_china_standard_time_with_microseconds() -> None:
    value = datetime(2026, 3, 1, 9, 30, 0, 123456, tzinfo=timezone(timedelta(hours=8)))
    result = roundtrip(value)
    assert result.isoformat() == "2026-03-01T09:30:00.123456+08:00"
    assert result.utcoffset() == timedelta(hours=8)


@given(st.uuids())
def test_uuid_roundtrips(value: UUID) -> None:
    result = roundtrip(value)
    assert type(result) is UUID
    assert result == value


@given(enum_members)
def test_str_enum_member_roundtrips_to_the_same_member(member: StrEnum) -> None:
    assert roundtrip(member) is member


def test_every_domain_str_enum_is_covered() -> None:
    names = {cls.__name__ for cls in STR_ENUMS}
    assert {"PartyKind", "Category", "HefeiSubtype", "PatentStatus", "TransferIntent"} <= names


def test_tuples_and_lists_stay_distinct() -> None:
    result = roundtrip({"t": (1, (2, 3), [4]), "l": [1, [2, 3], (4,)]})
    assert result == {"t": (1, (2, 3), [4]), "l": [1, [2, 3], (4,)]}
    assert type(result["t"]) is tuple and type(result["t"][1]) is tuple and type(result["t"][2]) is list
    assert type(result["l"]) is list and type(result["l"][1]) is list and type(result["l"][2]) is tuple


@given(patents)
def test_patent_roundtrips(value: Patent) -> None:
    result = roundtrip(value)
    assert type(result) is Patent
    assert result == value
    assert result.kind is value.kind and result.status is value.status


@given(completers)
def test_completer_roundtrips(value: Completer) -> None:
    assert same(roundtrip(value), value)


@given(fundings)
def test_funding_roundtrips(value: Funding) -> None:
    result = roundtrip(value)
    assert type(result) is Funding
    assert same(result.amount, value.amount)
    assert result == value


@given(nested)
def test_nested_values_roundtrip(value: Any) -> None:
    assert same(roundtrip(value), value)


def test_encoding_is_plain_json() -> None:
    data = orjson.loads(T.encode({"a": (Decimal("1.0"), values.Category.SOFT_SCIENCE)}))
    assert data == {"a": {TAG: "tuple", "v": [
        {TAG: "dec", "v": "1.0"},
        {TAG: "enum", "c": "domain.values:Category", "v": "soft_science"},
    ]}}


@pytest.mark.parametrize("topic", ["decimal:Decimal", "os:system", "builtins:eval", "services.settings:X",
                                   "domainx.values:Category"])
def test_untrusted_enum_topic_is_refused(topic: str) -> None:
    payload = orjson.dumps({TAG: "enum", "c": topic, "v": "1"})
    with pytest.raises(ValueError, match="untrusted"):
        T.decode(payload)


@pytest.mark.parametrize("topic", ["subprocess:Popen", "builtins:dict", "uuid:UUID"])
def test_untrusted_dataclass_topic_is_refused(topic: str) -> None:
    payload = orjson.dumps({TAG: "dc", "c": topic, "v": {"args": "id"}})
    with pytest.raises(ValueError, match="untrusted"):
        T.decode(payload)


# Regression (fixed; was services/transcoder.py:22-25): the prefix check runs on the topic string only, and
# resolve_topic follows dotted attributes, so "domain.codes:re.enum.bltns.eval" (the builtins
# module that enum imports) passes as "trusted" and decoding calls eval() on stored data.
@pytest.mark.parametrize("topic", ["domain.codes:re.enum.bltns.eval", "domain.codes:re.compile"])
def test_topic_reaching_outside_domain_through_attributes_is_refused(topic: str) -> None:
    payload = orjson.dumps({TAG: "enum", "c": topic, "v": "1"})
    with pytest.raises(ValueError):
        T.decode(payload)


# Regression (fixed; was services/transcoder.py:55-58): a plain dict whose keys include "__t" is stored
# untagged and decoded as a tagged value: {"__t": "tuple", "v": [1]} comes back as (1,).
@pytest.mark.parametrize("value", [{TAG: "tuple", "v": [1]}, {TAG: "note", "x": 1}])
def test_dict_with_tag_key_roundtrips(value: dict[str, Any]) -> None:
    assert same(roundtrip(value), value)


@pytest.mark.parametrize("value", [{1, 2}, frozenset({"a"}), b"bytes", object(), {1: "int key"}, 2**64])
def test_unsupported_values_raise_type_error(value: object) -> None:
    with pytest.raises(TypeError):
        T.encode(value)


def test_unsupported_value_nested_in_a_dataclass_raises_type_error() -> None:
    with pytest.raises(TypeError):
        T.encode(Completer(name="张三", party_id={1}))  # type: ignore[arg-type]
