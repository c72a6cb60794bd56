"""Every setting is documented in the README's tables (by full name, or as `_NAME` in a row that
groups several)."""

from __future__ import annotations

import re
from pathlib import Path

from services.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_setting_is_in_a_readme_table() -> None:
    rows = [line for line in README.read_text().splitlines() if line.startswith("| `TECHLEDGER_")]
    documented = {name for row in rows
                  for name in re.findall(r"`(?:TECHLEDGER)?_([A-Z0-9_]+)`", row.split("|")[1])}
    missing = {name.upper() for name in Settings.model_fields} - documented
    assert not missing, f"settings missing from the README: {sorted(missing)}"
