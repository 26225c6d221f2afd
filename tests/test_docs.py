"""Docs that tests enforce: every command documented, the Quick start is two runnable lines."""

from __future__ import annotations

import re

from kg.cli import COMMANDS
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_cli_reference():
    reference = README.split("## CLI reference", 1)[1]
    missing = [name for name in COMMANDS if f"### `kg {name}" not in reference]
    assert missing == [], f"commands without a README section: {missing}"


def test_quick_start_is_two_commands_that_the_makefile_defines():
    block = re.search(r"## Quick start\s+```\n(.*?)```", README, re.DOTALL).group(1)
    lines = [line for line in block.splitlines() if line.strip()]
    assert lines == ["make build", "make test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^build:", makefile, re.MULTILINE) and re.search(r"^test:", makefile, re.MULTILINE)


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
