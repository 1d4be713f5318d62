"""Every hosted music model's rules, in one place: its fields, what is required, every limit.

Pure Python (no Django). The new-song form and the JSON API (jobs/forms.py), the upstream client
(jobs/upstream.py), the local generation service (localgen/views.py) and the page's script (through
JSON from the server) all read the rules from here, so they cannot drift apart.

The app speaks of a song's inputs by what they are: `style`, `lyrics`, `is_instrumental`,
`lyrics_optimizer`, `audio_setting` and a reference. Each model's schema names them its own way
(minimax-music sends the lyrics as `prompt`, the newer models send the style as `prompt`; 1.5/2.x
spell the sample rate `audio_sample_rate`): `hosted_body` and `inputs_from_hosted` translate.

`minimax-music`'s `##` grammar and its 600-character limit live in generation/prompt.py; the
section tags of the newer models' lyrics in generation/sections.py.
"""

from dataclasses import asdict, dataclass

from generation import prompt as markers
from generation import sections

DEFAULT_MODEL = "minimax-music"

# audio_setting, as the hosted schemas list it (formats: the two a browser plays; `pcm` is left out).
SAMPLE_RATES = (16000, 24000, 32000, 44100)
BITRATES = (32000, 64000, 128000, 256000)
AUDIO_FORMATS = ("mp3", "wav")
AUDIO_SETTING_DEFAULTS = {"sample_rate": 44100, "bitrate": 256000, "format": "mp3"}

# A sung song's stems, by the names the generator's `stems` answer, the local service and our URLs use.
STEMS = ("vocals", "instrumental")


# How each input reaches a model: the key of `inputs`, and what a person calls it.
INPUT_WORDS = {"style": "style prompt", "lyrics": "lyrics"}


@dataclass(frozen=True)
class TextRule:
    """A text input's length, counted in characters after line breaks become LF and the ends are trimmed."""

    min_chars: int
    max_chars: int
    required: bool


@dataclass(frozen=True)
class ReferenceRule:
    formats: tuple[str, ...]  # as jobs/audio.py names what it decoded
    min_seconds: float
    min_exclusive: bool  # minimax-music: longer than 15 s; music-cover: 6 s is enough
    max_seconds: float | None
    max_mb: int | None


@dataclass(frozen=True)
class MusicModel:
    name: str
    label: str
    summary: str
    lyrics: TextRule | None  # None: the model takes no lyrics
    style: TextRule | None  # None: the model takes no style prompt
    lyrics_field: str  # the schema's name for the lyrics: "prompt" or "lyrics"
    grammar: str  # of the lyrics: "markers" (`##`, generation/prompt.py) or "sections" (tags)
    reference: ReferenceRule | None  # None: the model takes no reference
    takes_instrumental: bool = False
    takes_lyrics_optimizer: bool = False
    sample_rate_field: str | None = None  # its spelling inside audio_setting; None: no audio_setting

    @property
    def takes_audio_setting(self) -> bool:
        return self.sample_rate_field is not None

    def as_json(self) -> dict:
        """The rules the page's script needs to show the right fields, counters and hints."""
        return asdict(self) | {"takes_audio_setting": self.takes_audio_setting}


MODELS = {
    model.name: model
    for model in (
        MusicModel(
            name="minimax-music",
            label="MiniMax Music (reference + lyrics)",
            summary="Sings your lyrics in the style of a reference song with vocals.",
            lyrics=TextRule(1, markers.PROMPT_MAX_CHARS, required=True),
            style=None,
            lyrics_field="prompt",
            grammar="markers",
            reference=ReferenceRule(("wav", "mp3"), 15, min_exclusive=True, max_seconds=None, max_mb=None),
        ),
        MusicModel(
            name="minimax/music-cover",
            label="Music Cover (restyle a song)",
            summary="Keeps the reference's melody and structure, sings your lyrics, restyles the arrangement.",
            lyrics=TextRule(10, 3000, required=True),
            style=TextRule(10, 2000, required=True),
            lyrics_field="lyrics",
            grammar="sections",
            reference=ReferenceRule(("mp3", "wav", "flac"), 6, min_exclusive=False, max_seconds=360, max_mb=50),
            sample_rate_field="sample_rate",
        ),
        MusicModel(
            name="minimax/music-2.6",
            label="Music 2.6 (style + lyrics)",
            summary="A new song from a style prompt and tagged lyrics, or an instrumental.",
            lyrics=TextRule(0, 3000, required=False),
            style=TextRule(0, 2000, required=False),
            lyrics_field="lyrics",
            grammar="sections",
            reference=None,
            takes_instrumental=True,
            takes_lyrics_optimizer=True,
            sample_rate_field="audio_sample_rate",
        ),
        MusicModel(
            name="minimax/music-2.0",
            label="Music 2.0 (style + lyrics)",
            summary="A new song from a style prompt and tagged lyrics.",
            lyrics=TextRule(10, 3000, required=True),
            style=TextRule(10, 2000, required=True),
            lyrics_field="lyrics",
            grammar="sections",
            reference=None,
            sample_rate_field="audio_sample_rate",
        ),
        MusicModel(
            name="minimax/music-1.5",
            label="Music 1.5 (short style + lyrics)",
            summary="A new song from a short style prompt and tagged lyrics.",
            lyrics=TextRule(10, 3000, required=True),
            style=TextRule(10, 300, required=True),
            lyrics_field="lyrics",
            grammar="sections",
            reference=None,
            sample_rate_field="audio_sample_rate",
        ),
    )
}


# The longest reference the local generation service takes, for any model (the engine refuses a
# longer one): minimax-music names no limit of its own; music-cover's 6 minutes are within it.
LOCAL_REFERENCE_MAX_SECONDS = 600

# The media types a browser's file picker knows each reference format by.
REFERENCE_MEDIA_TYPES = {"mp3": "audio/mpeg", "wav": "audio/wav", "flac": "audio/flac"}
# Every format some model takes as a reference.
REFERENCE_FORMATS = tuple(
    sorted({name for model in MODELS.values() if model.reference for name in model.reference.formats})
)


def reference_file_accept() -> str:
    """The file input's `accept`: every format some model takes as a reference, by extension and media type."""
    formats = REFERENCE_FORMATS
    return ",".join([f".{name}" for name in formats] + [REFERENCE_MEDIA_TYPES[name] for name in formats])


def reference_formats(model_name: str | None) -> tuple[str, ...]:
    """The formats `model_name` takes as a reference; for no model, or one without a reference, every
    format some model takes."""
    model = model_named(model_name)
    return model.reference.formats if model and model.reference else REFERENCE_FORMATS


# Formats whose names are spoken letter by letter from a vowel sound: "an MP3", but "a WAV", "a FLAC".
SPOKEN_WITH_AN = frozenset({"mp3"})


def formats_text(formats: tuple[str, ...], *, as_extensions: bool = False, article: bool = False) -> str:
    """Formats as a sentence names them: "WAV or MP3", "MP3, WAV or FLAC"; as extensions ".wav or .mp3";
    with `article`, "a WAV or MP3", "an MP3, WAV or FLAC"."""
    names = [f".{name}" if as_extensions else name.upper() for name in formats]
    text = ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]
    if not article:
        return text
    spoken_with_an = not as_extensions and formats[0] in SPOKEN_WITH_AN  # ".mp3" is spoken "dot M P 3"
    return f"{'an' if spoken_with_an else 'a'} {text}"


@dataclass(frozen=True)
class ReferenceFacts:
    """What was measured in a reference recording."""

    format: str
    duration: float  # seconds
    size: int  # bytes


def model_named(name: str) -> MusicModel | None:
    return MODELS.get(name) if isinstance(name, str) else None


def unknown_model_sentence(name, offered=tuple(MODELS)) -> str:
    return f"{name!r} is not a model this generator offers; choose one of {', '.join(offered)}."


def normalize_text(text: str) -> str:
    """Line breaks as LF (browsers send CRLF), without surrounding blanks: what is counted and sent."""
    return markers.normalize_prompt(text)


def check_inputs(model_name, inputs: dict, *, has_reference: bool, reference: ReferenceFacts | None = None) -> dict:
    """{input: sentence} for every rule of the model the inputs break; {} when the request may be sent.

    `inputs` may hold `style`, `lyrics`, `is_instrumental`, `lyrics_optimizer` and `audio_setting`
    (with `sample_rate`), as JSON delivers them (so wrong types are refused too). `reference`, when
    given, is checked against the model's formats, length and size.
    """
    model = model_named(model_name)
    if model is None:
        return {"model": unknown_model_sentence(model_name)}
    problems = {}
    for name in ("style", "lyrics"):
        problem = _text_problem(model, name, inputs.get(name))
        if problem:
            problems[name] = problem
    for name, taken in (
        ("is_instrumental", model.takes_instrumental),
        ("lyrics_optimizer", model.takes_lyrics_optimizer),
    ):
        problem = _switch_problem(model, name, inputs.get(name), taken)
        if problem:
            problems[name] = problem
    if "lyrics" not in problems:
        problem = _missing_lyrics_problem(model, inputs)
        if problem:
            problems["lyrics"] = problem
    problem = _audio_setting_problem(model, inputs.get("audio_setting"))
    if problem:
        problems["audio_setting"] = problem
    problem = _reference_problem(model, has_reference, reference)
    if problem:
        problems["reference"] = problem
    return problems


def reference_problem(model_name: str, reference: ReferenceFacts) -> str | None:
    """The sentence for a reference the model cannot use (format, length, size), or None."""
    return _reference_problem(MODELS[model_name], True, reference)


def hosted_body(model_name: str, inputs: dict, *, reference_audio_url: str | None) -> dict:
    """The POST body the model's schema asks for: its field names, its spelling of the sample rate,
    only the fields it takes, and optional ones only when they differ from the schema's default."""
    model = MODELS[model_name]
    body = {"model": model.name}
    if model.style is not None:
        body["prompt"] = inputs.get("style", "")
    if model.lyrics is not None and (inputs.get("lyrics") or model.lyrics.required):
        body[model.lyrics_field] = inputs.get("lyrics", "")
    if model.reference is not None:
        body["reference_audio_url"] = reference_audio_url
    if model.takes_instrumental and inputs.get("is_instrumental"):
        body["is_instrumental"] = True
    if model.takes_lyrics_optimizer and inputs.get("lyrics_optimizer"):
        body["lyrics_optimizer"] = True
    audio_setting = inputs.get("audio_setting")
    if model.takes_audio_setting and audio_setting:
        body["audio_setting"] = {
            model.sample_rate_field: audio_setting["sample_rate"],
            "bitrate": audio_setting["bitrate"],
            "format": audio_setting["format"],
        }
    return body


def check_hosted_body(body: dict, *, has_reference: bool) -> tuple[str, dict, dict]:
    """(model name, inputs, {schema field: sentence}) for a POST body in a model's schema: the
    reverse of `hosted_body`, judged by `check_inputs`, problems named as the schema names them."""
    model_name = body.get("model")
    model = model_named(model_name)
    if model is None:
        return model_name, {}, {"model": unknown_model_sentence(model_name)}
    inputs = {}
    if model.style is not None and "prompt" in body:
        inputs["style"] = body["prompt"]
    if model.lyrics is not None and model.lyrics_field in body:
        inputs["lyrics"] = body[model.lyrics_field]
    problems = {}
    for name in ("is_instrumental", "lyrics_optimizer", "audio_setting"):
        if name in body:
            inputs[name] = body[name]
    setting = inputs.get("audio_setting")
    if isinstance(setting, dict) and model.takes_audio_setting:
        wrong_spelling = "sample_rate" if model.sample_rate_field == "audio_sample_rate" else "audio_sample_rate"
        if wrong_spelling in setting:
            problems["audio_setting"] = f"{model.name} spells the rate {model.sample_rate_field}, not {wrong_spelling}."
        setting = {("sample_rate" if key == model.sample_rate_field else key): value for key, value in setting.items()}
        inputs["audio_setting"] = setting
    checked = check_inputs(model_name, inputs, has_reference=has_reference)
    for name, sentence in checked.items():
        problems.setdefault(hosted_field(model_name, name), sentence)
    return model_name, inputs, problems


def hosted_field(model_name: str, input_name: str) -> str:
    """The schema's name of an input, to name it in an answer: `lyrics` of minimax-music is `prompt`."""
    model = model_named(model_name)
    if model is None:
        return input_name
    if input_name == "style":
        return "prompt"
    if input_name == "lyrics":
        return model.lyrics_field
    if input_name == "reference":
        return "reference_audio_url"
    return input_name


def _text_problem(model: MusicModel, name: str, value) -> str | None:
    rule = model.style if name == "style" else model.lyrics
    words = INPUT_WORDS[name]
    if name == "lyrics" and model.grammar == "markers":
        return _markers_problem(value)
    if value is None or value == "":
        if rule is not None and rule.required:
            return f"Write the {words}: {model.name} needs {_length_range(rule)}."
        return None
    if rule is None:
        return _not_taken(model, name)
    if not isinstance(value, str):
        return f"The {words} must be text."
    text = normalize_text(value)
    if not text and rule.required:
        return f"Write the {words}: {model.name} needs {_length_range(rule)}."
    verb = "are" if name == "lyrics" else "is"
    if text and len(text) < rule.min_chars:
        return f"The {words} {verb} {len(text)} characters long; {model.name} needs at least {rule.min_chars}."
    if len(text) > rule.max_chars:
        return f"The {words} {verb} {len(text)} characters long; the limit for {model.name} is {rule.max_chars}."
    problem = _character_problem(text)
    if problem:
        return problem
    if name == "lyrics":
        return sections.check_sections(text)
    return None


def _markers_problem(value) -> str | None:
    """minimax-music's lyrics, by the `##` grammar and limit of generation/prompt.py."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        return "The lyrics must be text."
    try:
        markers.check_prompt(value)
    except markers.PromptRejected as rejection:
        return rejection.message
    return None


def _not_taken(model: MusicModel, name: str) -> str:
    if name == "style":
        return f"{model.name} takes no style prompt: it takes the style from the reference; leave the style empty."
    return f"{model.name} takes no lyrics; leave them empty."


def _missing_lyrics_problem(model: MusicModel, inputs: dict) -> str | None:
    """Music 2.6 makes an instrumental, writes lyrics itself (lyrics_optimizer) or sings yours."""
    if not model.takes_instrumental or inputs.get("lyrics") or inputs.get("is_instrumental") is True:
        return None
    if inputs.get("lyrics_optimizer") is True:
        return None
    return f"Write the lyrics, or ask {model.name} for an instrumental (or to write the lyrics itself)."


def _switch_problem(model: MusicModel, name: str, value, taken: bool) -> str | None:
    if value is None or value is False:
        return None
    if not isinstance(value, bool):
        return f"{name} must be true or false."
    if not taken:
        return f"{model.name} takes no {name}; leave it off."
    return None


def _audio_setting_problem(model: MusicModel, setting) -> str | None:
    if setting is None:
        return None
    if not model.takes_audio_setting:
        return f"{model.name} takes no audio_setting; leave it out."
    if not isinstance(setting, dict):
        return "audio_setting must be an object with sample_rate, bitrate and format."
    unknown = sorted(set(setting) - {"sample_rate", "bitrate", "format"})
    if unknown:
        return (
            f"audio_setting of {model.name} takes {model.sample_rate_field}, bitrate and format, "
            f"not {', '.join(unknown)}."
        )
    rate = setting.get("sample_rate", AUDIO_SETTING_DEFAULTS["sample_rate"])
    if rate not in SAMPLE_RATES or isinstance(rate, bool):
        return f"The sample rate {rate} is not offered; choose one of {_listed(SAMPLE_RATES)} Hz."
    bitrate = setting.get("bitrate", AUDIO_SETTING_DEFAULTS["bitrate"])
    if bitrate not in BITRATES or isinstance(bitrate, bool):
        return f"The bitrate {bitrate} is not offered; choose one of {_listed(BITRATES)} bits per second."
    audio_format = setting.get("format", AUDIO_SETTING_DEFAULTS["format"])
    if audio_format not in AUDIO_FORMATS:
        return f"The format {audio_format} is not offered; choose {' or '.join(AUDIO_FORMATS)}."
    return None


def complete_audio_setting(setting: dict | None) -> dict | None:
    """An audio_setting with the schema's defaults filled in, as the engine and the job store it."""
    if not setting:
        return None
    return {name: setting.get(name, default) for name, default in AUDIO_SETTING_DEFAULTS.items()}


def _reference_problem(model: MusicModel, has_reference: bool, reference: ReferenceFacts | None) -> str | None:
    rule = model.reference
    if rule is None:
        return f"{model.name} takes no reference; leave it out." if has_reference else None
    if not has_reference:
        return f"Choose a reference song ({formats_text(rule.formats)}): {model.name} needs one."
    if reference is None:
        return None
    if reference.format not in rule.formats:
        return f"{model.name} takes {formats_text(rule.formats)} references, not {reference.format.upper()}."
    too_short = reference.duration <= rule.min_seconds if rule.min_exclusive else reference.duration < rule.min_seconds
    if too_short:
        longer = "longer than" if rule.min_exclusive else "at least"
        return f"This file is {reference.duration:.1f} s long; the reference must be {longer} {rule.min_seconds:g} s."
    if rule.max_seconds is not None and reference.duration > rule.max_seconds:
        return (
            f"This file is {minutes_text(reference.duration)} long; the reference for {model.name} must be at "
            f"most {minutes_text(rule.max_seconds)}."
        )
    if rule.max_mb is not None and reference.size > rule.max_mb * 1_000_000:
        return (
            f"This file is {reference.size / 1_000_000:.1f} MB; the reference for {model.name} must be at most "
            f"{rule.max_mb} MB."
        )
    return None


def _character_problem(text: str) -> str | None:
    try:
        markers.check_characters(text)
    except markers.PromptRejected as rejection:
        return rejection.message
    return None


def _length_range(rule: TextRule) -> str:
    if rule.min_chars > 1:
        return f"{rule.min_chars} to {rule.max_chars} characters"
    return f"at most {rule.max_chars} characters"


def _listed(values) -> str:
    return ", ".join(str(value) for value in values)


def minutes_text(seconds: float) -> str:
    """A length as people say it: 45 s, 6 min, 2 min 05 s."""
    whole_minutes, rest = divmod(round(seconds), 60)
    if not whole_minutes:
        return f"{rest} s"
    return f"{whole_minutes} min {rest:02d} s" if rest else f"{whole_minutes} min"
