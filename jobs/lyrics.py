"""The song's structure as the pages show it, and its timed lyrics as an .lrc file; the prompt's rules
themselves live in generation/prompt.py."""

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


def lrc_text(title, lyrics_timing):
    """The timed lyrics in the LRC format karaoke players read: a [mm:ss.xx] tag before each sung line,
    and an empty tagged line where the last one ends, so players clear it instead of holding it."""
    tags = [f"[ti:{' '.join(title.split())}]"] if title else []
    tags += [f"[{_lrc_time(line['start'])}]{' '.join(line['text'].split())}" for line in lyrics_timing]
    tags.append(f"[{_lrc_time(lyrics_timing[-1]['end'])}]")
    return "\n".join(tags) + "\n"


def _lrc_time(seconds):
    hundredths = round(seconds * 100)
    return f"{hundredths // 6000:02d}:{hundredths % 6000 // 100:02d}.{hundredths % 100:02d}"
