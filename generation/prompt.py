"""The prompt minimax-music accepts: at most 600 characters, one sung line per line, and `##` at the
very start and the very end asking for an instrumental intro and outro.

Pure Python (no Django). The catalogue of models (generation/catalogue.py) holds minimax-music's
rules by reading them from here; the pages (jobs/lyrics.py) and the engine (engine/lyrics.py) read
the grammar from here too, so none of them can drift apart.
"""

import unicodedata

PROMPT_MAX_CHARS = 600  # the hosted API's limit
MARKER = "##"


class PromptRejected(ValueError):
    """A prompt that breaks a rule; `message` is a sentence a person can act on."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def normalize_prompt(text: str) -> str:
    """Line breaks as LF (CRLF and CR are what browsers and Windows send), without surrounding blanks."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def check_prompt(text: str) -> str:
    """Return the normalized prompt, or raise PromptRejected with the rule it breaks."""
    prompt = normalize_prompt(text)
    if not prompt:
        raise PromptRejected("Write the lyrics to sing: the prompt is empty.")
    if len(prompt) > PROMPT_MAX_CHARS:
        raise PromptRejected(f"The lyrics are {len(prompt)} characters long; the limit is {PROMPT_MAX_CHARS}.")
    check_characters(prompt)
    starts, ends = prompt.startswith(MARKER), prompt.endswith(MARKER)
    inner = strip_markers(prompt)
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


def asks_for_intro_and_outro(prompt: str) -> bool:
    """True when `##` stands at both ends (with room for both: a lone `##` is not a pair)."""
    prompt = prompt.strip()
    return len(prompt) >= 2 * len(MARKER) and prompt.startswith(MARKER) and prompt.endswith(MARKER)


def strip_markers(prompt: str) -> str:
    """The prompt without a leading and a trailing `##`."""
    return prompt.removeprefix(MARKER).removesuffix(MARKER)


def check_characters(prompt: str) -> None:
    """Refuse control characters (NUL included; a database cannot even store it) and lone surrogates.

    A tab or a NUL pasted from another program is invisible in the text box, so the sentence names
    the line and the character's code point.
    """
    for line_number, line in enumerate(prompt.split("\n"), start=1):
        for character in line:
            category = unicodedata.category(character)
            if category == "Cc":
                raise PromptRejected(
                    f"Line {line_number} contains a control character (U+{ord(character):04X}) that cannot "
                    "be sung; delete it (it may be invisible: retype the line if you cannot see it)."
                )
            if category == "Cs":
                raise PromptRejected(
                    f"Line {line_number} contains a broken character (U+{ord(character):04X}, half of a "
                    "character pair); retype the line."
                )
