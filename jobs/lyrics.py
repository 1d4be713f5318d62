"""The prompt's rules: lines, pauses and the `##` instrumental intro/outro markers."""

from dataclasses import dataclass

from django.conf import settings

from jobs.errors import ExplainedError

MARKER = "##"


class PromptRejected(ExplainedError):
    pass


@dataclass(frozen=True)
class SongPart:
    kind: str  # "intro", "line", "pause" or "outro"
    text: str = ""


def normalize_prompt(text):
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def validate_prompt(text):
    """Return the normalized prompt, or raise PromptRejected with the rule it breaks."""
    prompt = normalize_prompt(text)
    limit = settings.MUSICGEN_PROMPT_MAX_CHARS
    if not prompt:
        raise PromptRejected("Write the lyrics to sing: the prompt is empty.")
    if len(prompt) > limit:
        raise PromptRejected(f"The lyrics are {len(prompt)} characters long; the limit is {limit}.")
    starts, ends = prompt.startswith(MARKER), prompt.endswith(MARKER)
    inner = _strip_markers(prompt)
    if (starts or ends) and not inner.strip():
        raise PromptRejected("The lyrics hold only ## markers; write the lines to sing between them.")
    if starts != ends:
        raise PromptRejected(
            "## must stand at both the very start and the very end of the lyrics (it asks for an "
            "instrumental intro and outro); add the missing one or remove it."
        )
    if MARKER in inner:
        raise PromptRejected(
            "## may only stand at the very start and the very end of the lyrics; remove the ones in between."
        )
    return prompt


def song_structure(prompt):
    """The parts a song made from this prompt will have, in order (for previews and history)."""
    prompt = normalize_prompt(prompt)
    has_markers = prompt.startswith(MARKER) and prompt.endswith(MARKER)
    body = _strip_markers(prompt)
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


def _strip_markers(prompt):
    body = prompt[len(MARKER) :] if prompt.startswith(MARKER) else prompt
    return body[: -len(MARKER)] if body.endswith(MARKER) else body
