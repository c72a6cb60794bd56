"""Validation of the national codes the ledger stores: credit codes, region codes, patent numbers."""

from __future__ import annotations

import re

from domain.errors import InvalidCreditCode, InvalidPatentNumber, InvalidRegionCode

# GB 32100-2015 §4: the 31 characters a unified social credit code may use (no I, O, S, V, Z).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# GB 32100-2015 §5: weights of positions 1-17 for the check character (3^i mod 31).
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# GB/T 2260: first two digits of a region code are a province-level division.
PROVINCE_PREFIXES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
})

# ASCII digits only: `\d` would also admit full-width and other Unicode digits.
# CNIPA application numbers: 12 digits since 2003 (year, kind, serial), 8 before.
_PATENT_RE = re.compile(r"^(?:ZL|CN)?([0-9]{8}|[0-9]{12})\.?([0-9X])$")
PATENT_KIND_DIGITS = {"1": "invention", "2": "utility_model", "3": "design",
                      "8": "invention", "9": "utility_model"}


def uscc_check_character(first17: str) -> str:
    """The check character of a unified social credit code (GB 32100-2015 §5)."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(code: str) -> str:
    """Return the code upper-cased if it is a valid 18-character credit code, else raise."""
    code = code.strip().upper()
    if len(code) != 18 or any(ch not in USCC_ALPHABET for ch in code):
        raise InvalidCreditCode(
            f"统一社会信用代码须为18位（数字或大写字母，不含I、O、S、V、Z）: {code!r}", value=code
        )
    validate_region_code(code[2:8])
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise InvalidCreditCode(
            f"统一社会信用代码校验位错误: {code!r} (check character should be {expected})",
            value=code,
        )
    return code


def validate_region_code(code: str) -> str:
    """Accept a 6-digit GB/T 2260 code whose first two digits name a province-level division."""
    if not re.fullmatch(r"[0-9]{6}", code) or code[:2] not in PROVINCE_PREFIXES:
        raise InvalidRegionCode(f"行政区划代码须为6位GB/T 2260代码: {code!r}", value=code)
    return code


def patent_check_digit(digits: str) -> str:
    """CNIPA check digit: weights 2..9 (cycling for 12 digits), sum mod 11, 10 written X."""
    weights = (2, 3, 4, 5, 6, 7, 8, 9)
    total = sum(int(d) * weights[i % 8] for i, d in enumerate(digits))
    rest = total % 11
    return "X" if rest == 10 else str(rest)


def normalize_patent_number(number: str) -> str:
    """Return the canonical form `ZL<digits>.<check>` of a valid CN patent number, else raise."""
    match = _PATENT_RE.fullmatch(number.strip().upper().replace(" ", ""))
    if match is None:
        raise InvalidPatentNumber(f"专利号格式错误: {number!r} (e.g. ZL201710601862.3)", value=number)
    digits, check = match.groups()
    if patent_check_digit(digits) != check:
        raise InvalidPatentNumber(f"专利号校验位错误: {number!r}", value=number)
    return f"ZL{digits}.{check}"


def patent_kind_of(number: str) -> str | None:
    """The patent kind its number encodes (5th digit of a 12-digit number), if any."""
    digits = normalize_patent_number(number)[2:-2]
    return PATENT_KIND_DIGITS.get(digits[4]) if len(digits) == 12 else None
