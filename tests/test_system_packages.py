"""Every Debian file or command the project uses comes from a package `make setup` installs.

Last wave the browser tests needed /usr/bin/chromium, which only a later make step installed: a
machine that already had it hid the gap. These tests tie the code to requirements/apt.txt, and (run
after `make setup`) check that every listed package really is installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from api.fce.fonts import DEFAULT_DIRS, FONT_FILES

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIRS = ("api", "knowledge_base", "actions", "bot/scripts", "scripts", "tests")
DEBIAN_PATH = re.compile(r"""/usr/(?:bin|sbin|share|lib)/[^\s"'`)\]},]+""")
# Commands run by name from Python (subprocess/shutil.which with a literal first argument).
COMMAND_CALL = re.compile(r"""(?:subprocess\.\w+|shutil\.which)\(\s*\[?\s*["']([\w.+-]+)["']""")
# On every machine of the project's kind before setup (the base image), so no package is needed.
BASE_COMMANDS = {"bash", "sh", "git", "make", "curl", "env", "python", "python3"}


def apt_lines() -> dict[str, list[str]]:
    lines: dict[str, list[str]] = {}
    for raw in (ROOT / "requirements/apt.txt").read_text().splitlines():
        fields = raw.split("#", 1)[0].split()
        if fields:
            assert fields[0] in {"run", "test"}, raw
            lines[fields[1]] = fields[2:]
    return lines


def provided() -> set[str]:
    return {item for items in apt_lines().values() for item in items}


def source_files() -> list[Path]:
    files: list[Path] = []
    for folder in SOURCE_DIRS:
        files += [p for p in (ROOT / folder).rglob("*") if p.suffix in {".py", ".sh", ".js"} and p.is_file()]
    return files


def test_every_debian_path_in_the_code_is_provided_by_a_listed_package() -> None:
    listed = provided()
    unlisted: set[str] = set()
    for path in source_files():
        if path.name == "test_system_packages.py":
            continue
        for found in DEBIAN_PATH.findall(path.read_text(errors="replace")):
            if "/usr/bin/env" in found:  # shebangs
                continue
            # A listed file, or a folder that holds one (the fonts are looked up by folder).
            if not any(item == found or item.startswith(found.rstrip("/") + "/") for item in listed):
                unlisted.add(f"{path.relative_to(ROOT)}: {found}")
    assert not unlisted, f"add the package providing these to requirements/apt.txt: {sorted(unlisted)}"


def test_every_command_run_by_name_is_provided_or_in_the_base_image() -> None:
    listed = provided()
    unlisted = {
        f"{path.relative_to(ROOT)}: {command}"
        for path in source_files()
        for command in COMMAND_CALL.findall(path.read_text(errors="replace"))
        if command not in listed and command not in BASE_COMMANDS
    }
    assert not unlisted, f"add the package providing these to requirements/apt.txt: {sorted(unlisted)}"


def test_statement_fonts_name_listed_packages_and_listed_files() -> None:
    lines = apt_lines()
    for font in FONT_FILES:
        assert font.package in lines, font
        assert any(str(folder / font.file_name) in lines[font.package] for folder in DEFAULT_DIRS), font


def test_every_listed_package_is_installed() -> None:
    """`make setup` ran scripts/ensure-system.sh before the tests: each package must be there."""
    missing = []
    for package in apt_lines():
        result = subprocess.run(  # noqa: S603 - fixed command, package names from our own file
            ["/usr/bin/dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True, check=False
        )
        if result.stdout != "install ok installed":
            missing.append(package)
    assert not missing, f"make setup did not install: {missing}"


def test_a_nodejs_without_npm_is_reported_and_would_get_debians_npm(tmp_path: Path) -> None:
    """Debian's nodejs ships no npm (NodeSource's does): with every package installed but no npm
    command on the PATH, the check names the missing command instead of passing (a fresh machine
    with Debian's nodejs failed at the axe step)."""
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("bash", "dpkg-query", "sed", "awk", "dirname"):
        found = shutil.which(tool)
        assert found is not None, tool
        (tools / tool).symlink_to(found)
    result = subprocess.run(  # noqa: S603 - the project's own script
        [str(tools / "bash"), str(ROOT / "scripts/ensure-system.sh"), "--check"],
        capture_output=True,
        text=True,
        env={"PATH": str(tools)},
        check=False,
    )
    assert result.returncode == 1
    assert "npm (the command)" in result.stderr
