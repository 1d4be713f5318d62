"""Reading a style prompt ("slow piano ballad, female vocal, 70 bpm") into what the engine can play.

A small table of words, not a language model: each word found sets some of a tempo range, an
energy (how busy the drums are), a groove, General MIDI programs for the bass, keys and pad, the
mode, the tone colour and the voice. Words the table does not know are ignored. When words
disagree, a number of BPM beats tempo words, tempo words beat genres, and a named instrument beats
the programs a genre brings.
"""

import re
from dataclasses import dataclass, field

SLOW = (64.0, 84.0)
MEDIUM = (88.0, 110.0)
FAST = (116.0, 140.0)
SLOWEST_BPM, FASTEST_BPM = 50.0, 200.0

# Tempo words, strongest after an explicit number.
TEMPO_WORDS = {
    "slow": SLOW,
    "slower": SLOW,
    "laid back": SLOW,
    "relaxed": SLOW,
    "midtempo": MEDIUM,
    "moderate": MEDIUM,
    "groovy": MEDIUM,
    "upbeat": FAST,
    "fast": FAST,
    "uptempo": FAST,
    "energetic": FAST,
    "driving": FAST,
}

# Genres and moods: what each brings when nothing more specific is said.
# tempo: range; energy: -1 sparse, 0 as the reference, 1 busy; programs: GM program per part.
GENRES = {
    "ballad": {"tempo": SLOW, "energy": -1, "programs": {"keys": 0, "pad": 48}},
    "lullaby": {"tempo": SLOW, "energy": -1, "programs": {"keys": 10, "pad": 89}},
    "acoustic": {"energy": -1, "programs": {"keys": 25, "bass": 32}},
    "folk": {"tempo": MEDIUM, "energy": -1, "programs": {"keys": 25, "bass": 32}},
    "jazz": {"tempo": MEDIUM, "programs": {"keys": 0, "bass": 32, "pad": 65}},
    "blues": {"tempo": MEDIUM, "programs": {"keys": 16, "bass": 33}},
    "soul": {"tempo": MEDIUM, "programs": {"keys": 4, "bass": 33}},
    "r&b": {"tempo": MEDIUM, "programs": {"keys": 4, "bass": 38}},
    "rnb": {"tempo": MEDIUM, "programs": {"keys": 4, "bass": 38}},
    "lofi": {"tempo": SLOW, "energy": -1, "programs": {"keys": 4, "pad": 89}, "shade": "dark"},
    "hiphop": {"tempo": MEDIUM, "programs": {"bass": 38, "keys": 4}},
    "rap": {"tempo": MEDIUM, "programs": {"bass": 38, "keys": 4}},
    "pop": {"programs": {"keys": 1, "bass": 33}},
    "rock": {"tempo": FAST, "energy": 1, "programs": {"keys": 29, "bass": 34}, "shade": "bright"},
    "punk": {"tempo": FAST, "energy": 1, "programs": {"keys": 30, "bass": 34}, "shade": "bright"},
    "metal": {"tempo": FAST, "energy": 1, "programs": {"keys": 30, "bass": 34}, "shade": "bright"},
    "dance": {"tempo": FAST, "energy": 1, "groove": "four on the floor", "programs": {"bass": 38, "pad": 90}},
    "disco": {"tempo": FAST, "energy": 1, "groove": "four on the floor", "programs": {"bass": 33, "pad": 48}},
    "edm": {"tempo": FAST, "energy": 1, "groove": "four on the floor", "programs": {"bass": 38, "keys": 81}},
    "house": {"tempo": FAST, "energy": 1, "groove": "four on the floor", "programs": {"bass": 38, "keys": 4}},
    "techno": {"tempo": FAST, "energy": 1, "groove": "four on the floor", "programs": {"bass": 38, "keys": 81}},
    "electronic": {"energy": 1, "programs": {"bass": 38, "pad": 90}, "shade": "bright"},
    "synthwave": {"tempo": MEDIUM, "programs": {"bass": 38, "keys": 81, "pad": 90}, "shade": "bright"},
    "cinematic": {"tempo": SLOW, "energy": -1, "programs": {"pad": 48, "keys": 0}},
    "orchestral": {"tempo": SLOW, "energy": -1, "programs": {"pad": 48, "keys": 46}},
    "ambient": {"tempo": SLOW, "energy": -1, "programs": {"pad": 89, "keys": 88}, "shade": "dark"},
    "country": {"tempo": MEDIUM, "programs": {"keys": 25, "bass": 33}},
    "reggae": {"tempo": SLOW, "programs": {"keys": 16, "bass": 33}},
    "funk": {"tempo": MEDIUM, "energy": 1, "programs": {"keys": 28, "bass": 36}},
    "gospel": {"programs": {"keys": 16, "pad": 52}},
    "soft": {"energy": -1},
    "gentle": {"energy": -1},
    "mellow": {"energy": -1},
    "calm": {"tempo": SLOW, "energy": -1},
    "chill": {"tempo": SLOW, "energy": -1},
    "dreamy": {"energy": -1, "programs": {"pad": 89}},
    "intimate": {"energy": -1},
    "party": {"tempo": FAST, "energy": 1},
    "powerful": {"energy": 1},
    "epic": {"energy": 1, "programs": {"pad": 48}},
    "aggressive": {"energy": 1, "shade": "bright"},
    "sad": {"mode": "minor", "shade": "dark"},
    "melancholic": {"mode": "minor", "shade": "dark"},
    "melancholy": {"mode": "minor", "shade": "dark"},
    "dark": {"mode": "minor", "shade": "dark"},
    "moody": {"mode": "minor", "shade": "dark"},
    "happy": {"mode": "major", "shade": "bright"},
    "joyful": {"mode": "major", "shade": "bright"},
    "cheerful": {"mode": "major", "shade": "bright"},
    "bright": {"mode": "major", "shade": "bright"},
    "warm": {"shade": "dark"},
}

# Instruments named in the prompt: (part, General MIDI program, 0-based). Longer names first.
INSTRUMENTS = {
    "electric piano": ("keys", 4),
    "rhodes": ("keys", 4),
    "acoustic guitar": ("keys", 25),
    "electric guitar": ("keys", 27),
    "distorted guitar": ("keys", 30),
    "synth bass": ("bass", 38),
    "upright bass": ("bass", 32),
    "double bass": ("bass", 32),
    "bass guitar": ("bass", 33),
    "synth pad": ("pad", 89),
    "piano": ("keys", 0),
    "organ": ("keys", 16),
    "guitar": ("keys", 25),
    "harp": ("keys", 46),
    "marimba": ("keys", 12),
    "vibraphone": ("keys", 11),
    "bells": ("keys", 14),
    "synth": ("keys", 81),
    "strings": ("pad", 48),
    "violin": ("pad", 40),
    "cello": ("pad", 42),
    "choir": ("pad", 52),
    "brass": ("pad", 61),
    "horns": ("pad", 61),
    "saxophone": ("pad", 65),
    "sax": ("pad", 65),
    "flute": ("pad", 73),
    "pad": ("pad", 89),
}

VOICES = {
    "female": "female",
    "woman": "female",
    "girl": "female",
    "soprano": "female",
    "male": "male",
    "man": "male",
    "boy": "male",
    "baritone": "male",
}

_BPM = re.compile(r"(\d{2,3}(?:\.\d+)?)\s*(?:bpm|beats per minute)\b")


@dataclass
class Style:
    bpm: float | None = None  # an explicit tempo
    tempo_range: tuple | None = None  # from tempo words, else from genres
    energy: int = 0  # -1 sparse drums, 0 as the reference, 1 busy
    groove: str | None = None  # "four on the floor"
    programs: dict = field(default_factory=dict)  # "bass"/"keys"/"pad" -> GM program
    mode: str | None = None  # "major" or "minor", used when there is no reference
    shade: str | None = None  # "bright" or "dark" instrument colour
    voice: str | None = None  # "female" or "male"
    words: list = field(default_factory=list)  # the table's words found, in the order of the table

    def tempo_for(self, reference_tempo: float) -> float:
        """The song's tempo: the number asked for; else the reference's tempo, halved or doubled
        into the range the words ask for when that fits (the groove keeps its feel), or moved to the
        nearest end of the range; else the reference's."""
        if self.bpm is not None:
            return self.bpm
        if self.tempo_range is None:
            return reference_tempo
        low, high = self.tempo_range
        for candidate in (reference_tempo, reference_tempo / 2, reference_tempo * 2):
            if low <= candidate <= high:
                return round(candidate, 2)
        return low if reference_tempo < low else high


def parse_style(prompt: str) -> Style:
    text = " " + re.sub(r"[^a-z0-9&.\- ]+", " ", (prompt or "").lower().replace("-", " ")) + " "
    style = Style()
    bpm = _BPM.search(text)
    if bpm:
        style.bpm = float(min(FASTEST_BPM, max(SLOWEST_BPM, float(bpm.group(1)))))
    for spaced, joined in (("lo fi", "lofi"), ("r & b", "r&b"), ("hip hop", "hiphop"), (" tempo", "tempo")):
        text = text.replace(spaced, joined)
    tempo_ranges, genre_ranges, energies = [], [], []
    for word, tempo_range in TEMPO_WORDS.items():
        if _has(text, word):
            style.words.append(word)
            tempo_ranges.append(tempo_range)
    instruments = {}
    for word, (part, program) in INSTRUMENTS.items():
        if _has(text, word) and part not in instruments:
            style.words.append(word)
            instruments[part] = program
        text = _remove(text, word)  # "synth bass" is not also "synth"
    for word, brings in GENRES.items():
        if not _has(text, word):
            continue
        style.words.append(word)
        if "tempo" in brings:
            genre_ranges.append(brings["tempo"])
        if "energy" in brings:
            energies.append(brings["energy"])
        style.groove = style.groove or brings.get("groove")
        style.mode = style.mode or brings.get("mode")
        style.shade = style.shade or brings.get("shade")
        for part, program in brings.get("programs", {}).items():
            style.programs.setdefault(part, program)
    style.programs.update(instruments)
    style.tempo_range = _middle_range(tempo_ranges or genre_ranges)
    style.energy = int(max(-1, min(1, round(sum(energies) / len(energies))))) if energies else 0
    for word, voice in VOICES.items():
        if _has(text, word) and style.voice is None:
            style.words.append(word)
            style.voice = voice
    return style


def _has(text: str, word: str) -> bool:
    return re.search(rf"(?<![a-z]){re.escape(word)}s?(?![a-z])", text) is not None


def _remove(text: str, word: str) -> str:
    return re.sub(rf"(?<![a-z]){re.escape(word)}s?(?![a-z])", " ", text) if " " in word else text


def _middle_range(ranges: list):
    """Several tempo words: the range between their averaged ends."""
    if not ranges:
        return None
    return (sum(low for low, _ in ranges) / len(ranges), sum(high for _, high in ranges) / len(ranges))
