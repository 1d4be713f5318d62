"""The song's structure as the pages show it; the prompt's rules themselves live in generation/prompt.py."""

from dataclasses import dataclass

from generation.prompt import asks_for_intro_and_outro, normalize_prompt, strip_markers


@dataclass(frozen=True)
class SongPart:
    kind: str  # "intro", "line", "pause" or "outro"
    text: str = ""


def song_structure(prompt):
    """The parts a song made from this prompt will have, in order (for previews and history)."""
    prompt = normalize_prompt(prompt)
    has_markers = asks_for_intro_and_outro(prompt)
    body = strip_markers(prompt) if has_markers else prompt
    parts = [SongPart("intro")] if has_markers else []
    for line in body.strip().split("\n"):
        line = line.strip()
        if line:
            parts.append(SongPart("line", line))
        elif parts and parts[-1].kind == "line":
            parts.append(SongPart("pause"))
    if has_markers:
        parts.append(SongPart("outro"))
    return parts
