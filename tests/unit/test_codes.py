"""National codes: unified social credit codes (GB 32100-2015), region codes, CNIPA patent numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.codes import (
    USCC_ALPHABET,
    normalize_patent_number,
    patent_check_digit,
    patent_kind_of,
    uscc_check_character,
    validate_credit_code,
    validate_region_code,
)
from domain.errors import ErrorKind, InvalidCreditCode, InvalidPatentNumber, InvalidRegionCode

REAL_CODES = [
    "91330100799655058B",
    "9144030071526726XG",
    "914403001922038216",
    "91110000802100433B",
    "91350100M000100Y43",
]


# --- unified social credit code -------------------------------------------------------------

@pytest.mark.parametrize("code", REAL_CODES)
def test_real_credit_codes_are_accepted(code: str) -> None:
    assert validate_credit_code(code) == code


@pytest.mark.parametrize("code", REAL_CODES)
def test_lowercase_and_padded_input_is_normalised(code: str) -> None:
    assert validate_credit_code(f"  {code.lower()} ") == code


@pytest.mark.parametrize("code", REAL_CODES)
def test_check_character_matches_the_real_code(code: str) -> None:
    assert uscc_check_character(code[:17]) == code[17]


@pytest.mark.parametrize("code", REAL_CODES)
def test_changed_check_character_is_rejected(code: str) -> None:
    for other in USCC_ALPHABET:
        if other == code[17]:
            continue
        with pytest.raises(InvalidCreditCode) as info:
            validate_credit_code(code[:17] + other)
        assert info.value.code == "invalid_credit_code"
        assert info.value.kind is ErrorKind.INVALID


def test_changed_body_character_is_rejected() -> None:
    # 91330100799655058B with one digit of the organisation code changed (7 → 8).
    with pytest.raises(InvalidCreditCode):
        validate_credit_code("91330100899655058B")


@pytest.mark.parametrize("code", ["", "91330100799655058", "91330100799655058BB", "9133010079965505"])
def test_wrong_length_is_rejected(code: str) -> None:
    with pytest.raises(InvalidCreditCode) as info:
        validate_credit_code(code)
    assert info.value.code == "invalid_credit_code"


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_forbidden_letters_are_rejected(letter: str) -> None:
    assert letter not in USCC_ALPHABET
    with pytest.raises(InvalidCreditCode):
        validate_credit_code("91330100" + letter + "99655058B")
    with pytest.raises(InvalidCreditCode):
        validate_credit_code("91330100799655058" + letter)


@pytest.mark.parametrize("region", ["000100", "990100", "A30100", "19XXXX"])
def test_bad_region_part_is_rejected(region: str) -> None:
    first17 = "91" + region + "799655058"
    code = first17 + uscc_check_character(first17)  # the check character itself is right
    with pytest.raises(InvalidRegionCode) as info:
        validate_credit_code(code)
    assert info.value.code == "invalid_region_code"


def _check_oracle(first17: str) -> str:
    """GB 32100-2015 §5 written out independently: W_i = 3^(i-1) mod 31, C18 = 31 - (Σ mod 31)."""
    total = sum(USCC_ALPHABET.index(ch) * pow(3, i, 31) for i, ch in enumerate(first17))
    return USCC_ALPHABET[(31 - total % 31) % 31]


@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_check_character_agrees_with_the_standard_formula(first17: str) -> None:
    assert uscc_check_character(first17) == _check_oracle(first17)


def test_check_character_of_a_zero_remainder_is_0() -> None:
    # 9*1 + 1*3 + 1*9 + 3*27 + 6*26 + 5*20 + 8*25 = 558 = 18*31 → remainder 0 → "0", not "31"
    assert uscc_check_character("91130600508000000") == "0"
    assert validate_credit_code("911306005080000000") == "911306005080000000"


def test_alphabet_has_31_characters() -> None:
    assert len(USCC_ALPHABET) == 31 == len(set(USCC_ALPHABET))
    assert not set("IOSVZ") & set(USCC_ALPHABET)


# 保定市 and others whose digits are not 0, so every weight of positions 3-8 is exercised.
REGIONS = ["130600", "441900", "652324", "371721", "532923"]


@given(
    head=st.text(alphabet=USCC_ALPHABET, min_size=2, max_size=2),
    region=st.sampled_from(REGIONS),
    tail=st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9),
    other=st.sampled_from(USCC_ALPHABET),
)
def test_appending_the_check_character_gives_a_valid_code(
    head: str, region: str, tail: str, other: str
) -> None:
    first17 = head + region + tail
    check = uscc_check_character(first17)
    assert check in USCC_ALPHABET
    assert validate_credit_code(first17 + check) == first17 + check
    if other != check:
        with pytest.raises(InvalidCreditCode):
            validate_credit_code(first17 + other)


# --- region codes ---------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["130600", "110000", "330100", "440300", "650100", "820000"])
def test_valid_region_codes(code: str) -> None:
    assert validate_region_code(code) == code


@pytest.mark.parametrize(
    "code", ["", "13060", "1306000", "000000", "100000", "990100", "13060A", " 130600", "130600\n"]
)
def test_invalid_region_codes(code: str) -> None:
    with pytest.raises(InvalidRegionCode) as info:
        validate_region_code(code)
    assert info.value.code == "invalid_region_code"


# Regression (fixed; was domain/codes.py:52): `\d` in re matches any Unicode digit, so full-width or
# Arabic-Indic digits pass as a GB/T 2260 code and are stored unnormalised.
@pytest.mark.parametrize("code", ["13０６００", "11١٢٣٤"])
def test_region_code_rejects_non_ascii_digits(code: str) -> None:
    with pytest.raises(InvalidRegionCode):
        validate_region_code(code)


# --- patent numbers -------------------------------------------------------------------------

def test_worked_example_check_digit() -> None:
    # 2*2+0*3+1*4+7*5+1*6+0*7+6*8+0*9+1*2+8*3+6*4+2*5 = 157; 157 mod 11 = 3
    assert patent_check_digit("201710601862") == "3"


def test_remainder_ten_is_written_x() -> None:
    # 4+0+4+45+12+0+40+0+0+0+0+15 = 120; 120 mod 11 = 10 → X
    assert patent_check_digit("201920500003") == "X"
    assert normalize_patent_number("ZL201920500003.x") == "ZL201920500003.X"


@pytest.mark.parametrize(
    "number",
    ["ZL201710601862.3", "201710601862.3", "CN201710601862.3", "zl201710601862.3",
     "ZL2017106018623", " ZL 2017 1060 1862.3 "],
)
def test_patent_number_forms_are_normalised(number: str) -> None:
    assert normalize_patent_number(number) == "ZL201710601862.3"


def test_old_eight_digit_numbers_are_accepted() -> None:
    digits = "02112345"
    check = patent_check_digit(digits)
    assert normalize_patent_number(f"CN{digits}.{check}") == f"ZL{digits}.{check}"
    assert patent_kind_of(f"ZL{digits}.{check}") is None


@pytest.mark.parametrize("check", ["0", "1", "2", "4", "5", "6", "7", "8", "9", "X"])
def test_wrong_patent_check_digit_is_rejected(check: str) -> None:
    with pytest.raises(InvalidPatentNumber) as info:
        normalize_patent_number(f"ZL201710601862.{check}")
    assert info.value.code == "invalid_patent_number"


@pytest.mark.parametrize(
    "number",
    ["", "ZL", "ZL20171060186.3", "ZL2017106018620.3", "US201710601862.3", "ZL201710601862.",
     "ZL201710601862.A", "ZL2017-10601862.3", "ZLZL201710601862.3"],
)
def test_malformed_patent_numbers_are_rejected(number: str) -> None:
    with pytest.raises(InvalidPatentNumber) as info:
        normalize_patent_number(number)
    assert info.value.code == "invalid_patent_number"


# Regression (fixed; was domain/codes.py:22): `\d` matches full-width digits; int() accepts them, so
# "ZL２０１７１０６０１８６２.3" validates and is "normalised" to a non-ASCII number —
# the same patent then has two canonical forms and escapes duplicate detection.
def test_patent_number_with_fullwidth_digits_is_not_a_second_canonical_form() -> None:
    try:
        normalised = normalize_patent_number("ZL２０１７１０６０１８６２.3")
    except InvalidPatentNumber:
        return
    assert normalised == "ZL201710601862.3"


@pytest.mark.parametrize(
    ("digits", "kind"),
    [("201710601862", "invention"), ("201920500003", "utility_model"),
     ("201830000002", "design")],
)
def test_patent_kind_of(digits: str, kind: str) -> None:
    number = f"ZL{digits}.{patent_check_digit(digits)}"
    assert patent_kind_of(number) == kind


def test_patent_kind_of_validates_first() -> None:
    with pytest.raises(InvalidPatentNumber):
        patent_kind_of("ZL201710601862.4")
