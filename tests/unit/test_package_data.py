"""A non-editable install (the Dockerfile's `pip install .`) ships every console template and
static file: each one is matched by a package-data glob in pyproject.toml."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "api" / "console"


def shipped(relative: PurePosixPath, globs: list[str]) -> bool:
    return any(len(PurePosixPath(g).parts) == len(relative.parts) and fnmatch(str(relative), g)
               for g in globs)


def test_every_console_asset_is_package_data() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    globs = pyproject["tool"]["setuptools"]["package-data"]["api.console"]
    assets = [PurePosixPath(p.relative_to(CONSOLE).as_posix())
              for folder in ("templates", "static") for p in (CONSOLE / folder).rglob("*")
              if p.is_file()]
    assert assets
    missing = [str(a) for a in assets if not shipped(a, globs)]
    assert not missing, f"not in package data: {missing}"
