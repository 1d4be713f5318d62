"""Lyrics with section tags, the grammar of minimax/music-2.x (and of our local engine for them).

A tag stands alone on its line in square brackets: [Intro] [Verse] [Pre Chorus] [Chorus] [Bridge]
[Outro], in any letter case, optionally numbered ([Verse 2]); the lines under it, up to the next tag,
belong to that section. Lines before the first tag form an untagged section.

Pure Python (no Django): the form's validation, the local service, the page's live structure preview
and the engine all read the grammar from here.
"""

import re
from dataclasses import dataclass

SECTION_TAGS = ("Intro", "Verse", "Pre Chorus", "Chorus", "Bridge", "Outro")
# Sections the local engine plays without a voice, whatever lines stand under them.
INSTRUMENTAL_SECTIONS = ("intro", "outro")
# Spellings people type for a tag, folded to its canonical lower-case name.
_ALIASES = {"prechorus": "pre chorus"}
_KINDS = {tag.lower() for tag in SECTION_TAGS}
_TAG_NAME = re.compile(r"^(?P<kind>[a-z][a-z ]*?)(?: ?(?P<number>\d+))?$")
_TAG_LINE = re.compile(r"^\[(?P<name>[^\[\]]*)\]$")
_TAGS_IN_WORDS = ", ".join(f"[{tag}]" for tag in SECTION_TAGS)


@dataclass
class Section:
    tag: str | None  # canonical lower-case name ("pre chorus"), None for lines before the first tag
    number: int | None  # 2 for [Verse 2]
    lines: list  # the non-blank lyric lines under the tag, stripped

    @property
    def label(self) -> str:
        """The tag as a person reads it: "Pre Chorus 2", or "" for untagged lines."""
        if self.tag is None:
            return ""
        name = self.tag.title()
        return f"{name} {self.number}" if self.number is not None else name

    @property
    def instrumental(self) -> bool:
        return self.tag in INSTRUMENTAL_SECTIONS


def section_tag(line: str):
    """(tag, number) when the line is a well-formed section tag, else None."""
    match = _TAG_LINE.match(line.strip())
    if not match:
        return None
    name = re.sub(r"[\s_-]+", " ", match["name"].strip().lower())
    name_match = _TAG_NAME.match(name)
    if not name_match:
        return None
    kind = _ALIASES.get(name_match["kind"].strip(), name_match["kind"].strip())
    if kind not in _KINDS:
        return None
    return kind, int(name_match["number"]) if name_match["number"] else None


def check_sections(text: str) -> str | None:
    """None when every tag is well formed, else a sentence naming the first bad line and the fix."""
    for line_number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.strip()
        if not line.startswith("[") or section_tag(line):
            continue
        if "]" not in line:
            return f"Line {line_number} opens a section tag without closing it: write it as {line}]."
        closed = line[: line.index("]") + 1]
        if line != closed and section_tag(closed):
            return (
                f"Line {line_number} has words after the tag {closed}; put the tag on its own line "
                "and the words on the next."
            )
        return (
            f"Line {line_number}: {closed} is not a section tag; use one of {_TAGS_IN_WORDS} "
            "(a number may follow, as in [Verse 2])."
        )
    return None


def parse_sections(text: str) -> list:
    """The sections in order; lines that are not tags are lyrics. Call check_sections first: a
    malformed tag here is read as a lyric line."""
    sections = []
    current = Section(tag=None, number=None, lines=[])
    for raw_line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        tag = section_tag(raw_line)
        if tag is None:
            if raw_line.strip():
                current.lines.append(raw_line.strip())
            continue
        if current.tag is not None or current.lines:
            sections.append(current)
        current = Section(tag=tag[0], number=tag[1], lines=[])
    if current.tag is not None or current.lines:
        sections.append(current)
    return sections
