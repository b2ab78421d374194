"""The Noto fonts the statement PDF embeds, found where Debian's packages put them.

A missing file is an error naming the package to install: a statement must never go out with
empty boxes ("tofu") where Japanese or Nepali text should be.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from knowledge_base.languages import REGISTRY

DEFAULT_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/truetype/noto"))


@dataclass(frozen=True)
class FontFile:
    family: str  # the name the PDF code uses
    style: str  # "" or "B"
    file_name: str
    package: str  # the Debian package that ships the file
    collection_index: int = 0  # the face inside a .ttc collection


# Noto Sans CJK's collection lists the Japanese face (JP) first; the other faces draw some kanji the
# Chinese or Korean way, so the index matters.
FONT_FILES = (
    FontFile("latin", "", "NotoSans-Regular.ttf", "fonts-noto-core"),
    FontFile("latin", "B", "NotoSans-Bold.ttf", "fonts-noto-core"),
    FontFile("devanagari", "", "NotoSansDevanagari-Regular.ttf", "fonts-noto-core"),
    FontFile("devanagari", "B", "NotoSansDevanagari-Bold.ttf", "fonts-noto-core"),
    FontFile("cjk", "", "NotoSansCJK-Regular.ttc", "fonts-noto-cjk"),
    FontFile("cjk", "B", "NotoSansCJK-Bold.ttc", "fonts-noto-cjk"),
)
# The family whose shapes suit each language's text; the others serve as fallbacks (names, quotes).
FAMILY_OF_SCRIPT = {"Jpan": "cjk", "Deva": "devanagari", "Latn": "latin"}
PRIMARY_FAMILY = {language.code: FAMILY_OF_SCRIPT[language.script] for language in REGISTRY}


class FontMissing(RuntimeError):
    """A statement font is not installed; the message names the Debian package that provides it."""


def locate(directories: Sequence[Path] = DEFAULT_DIRS) -> list[tuple[FontFile, Path]]:
    found: list[tuple[FontFile, Path]] = []
    missing: list[FontFile] = []
    for font in FONT_FILES:
        path = next((d / font.file_name for d in directories if (d / font.file_name).is_file()), None)
        if path is None:
            missing.append(font)
        else:
            found.append((font, path))
    if missing:
        packages = sorted({font.package for font in missing})
        names = ", ".join(font.file_name for font in missing)
        where = ", ".join(str(d) for d in directories)
        raise FontMissing(
            f"statement fonts not found ({names}) in {where}: "
            f"install the Debian package(s) {' '.join(packages)} (apt-get install -y {' '.join(packages)})"
        )
    return found
