"""Turning the lyrics a person typed into lines to sing and pauses to leave."""

import re
import unicodedata
from dataclasses import dataclass

from generation.prompt import PROMPT_MAX_CHARS, asks_for_intro_and_outro, strip_markers
from generation.sections import check_sections, parse_sections

from .errors import UnusableLyrics

# A longer line is sung as several phrases: one breath, and a bounded alignment per phrase.
MOST_WORDS_PER_PHRASE = 12
PAUSE = None  # a blank line: at least one bar of rest


@dataclass
class Lyrics:
    lines: list  # sung lines as clean text, with PAUSE between stanzas
    intro_and_outro: bool


def parse_lyrics(text: str) -> Lyrics:
    if len(text) > PROMPT_MAX_CHARS:
        raise UnusableLyrics(f"the lyrics are {len(text)} characters long; shorten them to at most {PROMPT_MAX_CHARS}")
    stripped = text.strip()
    intro_and_outro = asks_for_intro_and_outro(stripped)
    if intro_and_outro:
        stripped = strip_markers(stripped)
    lines = []
    for raw_line in stripped.splitlines():
        line = singable_text(raw_line)
        if line:
            lines.extend(_phrases(line))
        elif not raw_line.strip() and lines and lines[-1] is not PAUSE:
            lines.append(PAUSE)
    while lines and lines[-1] is PAUSE:
        lines.pop()
    if not lines:
        raise UnusableLyrics("the lyrics contain no words that can be sung; write at least one line of words")
    return Lyrics(lines=lines, intro_and_outro=intro_and_outro)


@dataclass
class LyricPart:
    tag: str  # a section tag of generation/sections.py: "intro", "verse", "chorus", ...
    lines: list  # sung lines as clean text, with PAUSE between stanzas; none for intro and outro


# An instrumental song with no lyrics to shape it still has a song's form.
INSTRUMENTAL_FORM = (("intro", 0), ("verse", 4), ("chorus", 4), ("outro", 0))
INSTRUMENTAL_LINE = "la la la la la la la la"  # stands for a lyric line's length; never sung
INSTRUMENTAL_SYLLABLES = 8  # an unsung line takes the bars of eight syllables


def lyric_parts(text: str, grammar: str, instrumental: bool = False) -> list:
    """The song's parts from lyrics in either grammar: "markers" (minimax-music: `##` at both ends
    asks for an instrumental intro and outro, a blank line is a pause) or "sections" (music-2.x
    section tags; [Intro] and [Outro] are played, not sung)."""
    if instrumental and not text.strip():
        return [LyricPart(tag, [INSTRUMENTAL_LINE] * lines) for tag, lines in INSTRUMENTAL_FORM]
    if grammar == "markers":
        parsed = parse_lyrics(text)
        sung = [LyricPart("verse", parsed.lines)]
        return [LyricPart("intro", []), *sung, LyricPart("outro", [])] if parsed.intro_and_outro else sung
    if grammar != "sections":
        raise ValueError(f"unknown lyrics grammar {grammar!r}")
    problem = check_sections(text)
    if problem:
        raise UnusableLyrics(problem)
    parts = []
    for section in parse_sections(text):
        if section.instrumental:
            parts.append(LyricPart(section.tag, []))
            continue
        lines = [phrase for line in section.lines for phrase in _phrases(singable_text(line)) if phrase]
        if lines:
            parts.append(LyricPart(section.tag or "verse", lines))
    if not instrumental and not any(part.lines for part in parts):
        raise UnusableLyrics(
            "the lyrics contain no words that can be sung outside [Intro] and [Outro]; write at least one line"
        )
    return parts


def singable_text(line: str) -> str:
    """Keep what the English voice can pronounce: Latin letters (accents folded), digits,
    apostrophes and phrase punctuation. Emoji, symbols and other scripts are skipped, and dashes,
    slashes, ellipses and other symbols between words become word breaks."""
    folded = unicodedata.normalize("NFKD", line.replace("\u2019", "'"))
    # Accents fold away into their letters; any other non-ASCII character (a dash, an emoji, another
    # script) stands between words, so it must leave a space rather than join its neighbours.
    ascii_only = "".join(_ascii_or_space(character) for character in folded)
    kept = re.sub(r"[^A-Za-z0-9' ,.!?;:\-]", " ", ascii_only)
    kept = re.sub(r"-{2,}", " ", kept)  # a typed dash ("--"), unlike a hyphen, separates words
    kept = re.sub(r"(?<=[A-Za-z])([,.!?;:]+)(?=[A-Za-z])", r"\1 ", kept)  # "win...Storms", "me,you"
    kept = re.sub(r"(?<![A-Za-z])'|'(?![A-Za-z])", " ", kept)  # quotes, not contractions
    kept = re.sub(r"\s+", " ", kept).strip(" ,;:-")
    return kept if re.search(r"[A-Za-z0-9]", kept) else ""


def _ascii_or_space(character: str) -> str:
    if character.isascii():
        return character
    return "" if unicodedata.combining(character) else " "


def _phrases(line: str) -> list:
    """Split an over-long line into nearly equal runs of words."""
    words = line.split()
    if not words:
        return []
    count = -(-len(words) // MOST_WORDS_PER_PHRASE)
    size = -(-len(words) // count)
    return [" ".join(words[start : start + size]) for start in range(0, len(words), size)]
