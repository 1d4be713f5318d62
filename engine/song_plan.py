"""The song's form: bars for the intro, each lyric line, pauses and the ending, the chord of
every bar (a loop taken from the reference's own bars) and the sung notes of every line."""

from dataclasses import dataclass

import numpy as np

from .harmony import diatonic_chords, estimate_key
from .melody import phrase_bars, phrase_melody, phrase_rhythm, syllable_grid
from .tempo import BEATS_PER_BAR

LOOP_BARS = 4
INTRO_BARS = 4
OUTRO_BARS = 4
SHORTEST_SONG_SECONDS = 20.0
# Where each voice's melody is centred (MIDI), near the reference singer but never far above the
# voice's own speaking pitch: re-pitched with WORLD, the higher voice (speaking at MIDI 58) is
# understood as well as plainly spoken anywhere from 44 to 60, but only two thirds as well at 64
# and half as well at 68; the lower voice (speaking at 41) loses words above 60 (pocketsphinx on
# lines that were not in the benchmark corpus). A melody spans its middle +-8 and a chorus sits 2
# above, so the middles stop where the melody's top stays near those limits. Singing the higher
# voice at 60-69 as before cost a third of its words.
LOWER_VOICE_MIDDLE = (46, 52)
HIGHER_VOICE_MIDDLE = (55, 58)
HIGHER_VOICE_ABOVE_MIDI = 57.0  # a reference singer centred above A3 gets the higher voice


@dataclass
class Part:
    """A stretch of the song: "intro" and "outro" are played, every other tag is sung."""

    tag: str  # "intro", "verse", "pre chorus", "chorus", "bridge", "outro"
    # per lyric item, the seconds into plain speech at which each syllable's vowel begins (the
    # line's rhythm), or None for a pause
    lines: list


@dataclass
class SungLine:
    first_beat: float  # where the phrase starts in the song
    notes: list  # MelodyNote, one per syllable, beats relative to first_beat


@dataclass
class SongPlan:
    tempo: float
    bar_chords: list
    sections: list  # per bar: "intro", "lead", a sung part's tag, "rest", "outro", "end"
    sung_lines: list
    parts: list  # (tag, first bar, bar after the last) of every part, intro and outro included

    @property
    def beat_seconds(self) -> float:
        return 60.0 / self.tempo

    @property
    def duration(self) -> float:
        return len(self.sections) * BEATS_PER_BAR * self.beat_seconds

    def part_spans(self) -> list:
        """(tag, start s, end s) of every part, in song seconds."""
        bar_seconds = BEATS_PER_BAR * self.beat_seconds
        return [(tag, round(first * bar_seconds, 3), round(end * bar_seconds, 3)) for tag, first, end in self.parts]


def chord_loop(reference_chords: list, tonic: int, mode: str, rng) -> list:
    """Four consecutive bars of the reference's harmony. Preferred, in order: stretches whose
    chords on their own point to the reference's key (so the song is heard in it too), that
    include the home chord, and that hold more than one chord."""
    home = diatonic_chords(tonic, mode)[0]
    windows = [
        reference_chords[start : start + LOOP_BARS] for start in range(max(1, len(reference_chords) - LOOP_BARS + 1))
    ]
    windows = [window for window in windows if window]

    def fits(window):
        profile = np.zeros(12)
        for chord in window:
            profile[chord.pitch_classes()] += 1.0
            profile[chord.root] += 0.5
        return (estimate_key(profile) == (tonic, mode), home in window, len({chord.name for chord in window}) > 1)

    best = max(fits(window) for window in windows)
    candidates = [window for window in windows if fits(window) == best]
    loop = list(candidates[int(rng.integers(len(candidates)))])
    while len(loop) < LOOP_BARS:
        loop.append(loop[-1] if loop else home)
    return loop


def bridge_loop(loop: list, tonic: int, mode: str) -> list:
    """Four bars that leave the home chord: IV V vi V in major, VI VII iv V in minor, turned
    until they differ from the song's own loop in their first chord."""
    chords = diatonic_chords(tonic, mode)
    named = {"major": (3, 4, 5, 4), "minor": (5, 6, 2, 4)}[mode]
    bridge = [chords[index] for index in named]
    for turn in range(LOOP_BARS):
        turned = bridge[turn:] + bridge[:turn]
        if turned[0] != loop[0] and turned != loop:
            return turned
    return bridge


def melody_middle(analysis, voice=None) -> tuple:
    """(higher voice?, MIDI middle of the melody) from the voice the style asks for, else from the
    reference singer's register.

    With no singer to follow, the higher voice sings: its words are recognised more often
    (pocketsphinx, bench/engine_quality.py)."""
    if voice is not None:
        higher = voice == "female"
    else:
        higher = not analysis.vocals_found or analysis.vocal_median_midi >= HIGHER_VOICE_ABOVE_MIDI
    low, high = HIGHER_VOICE_MIDDLE if higher else LOWER_VOICE_MIDDLE
    if not analysis.vocals_found:
        return higher, (low + high) // 2
    return higher, int(np.clip(round(analysis.vocal_median_midi), low, high))


# Each kind of part draws its melodies from its own numbered stream, so a chorus that returns
# with the same words is sung to the same notes.
PART_STREAMS = {"verse": 1, "pre chorus": 2, "chorus": 3, "bridge": 4}
CHORUS_LIFT = 2  # semitones the chorus melody sits above the verse


def plan_song(
    analysis,
    parts: list,
    seed: int,
    *,
    tempo: float | None = None,
    voice: str | None = None,
    whole_loops: bool = False,
    reference_chords: bool = False,
) -> SongPlan:
    """The song's bars, chords and sung notes.

    parts: Part per stretch of the song. tempo overrides the reference's. whole_loops pads every
    part to whole four-bar loops, so a part that returns starts on the same chord and sings the same
    notes. reference_chords plays the reference's own chords bar by bar instead of a loop (a cover).
    """
    rng = np.random.default_rng(seed)
    tempo = tempo or analysis.tempo
    beat_seconds = 60.0 / tempo
    home = diatonic_chords(analysis.tonic, analysis.key_mode)[0]
    loop = chord_loop(analysis.chord_objects(), analysis.tonic, analysis.key_mode, rng)
    bridge = bridge_loop(loop, analysis.tonic, analysis.key_mode)
    _, middle = melody_middle(analysis, voice)
    steps_per_beat = syllable_grid(tempo)
    sections, placed, phrases = [], [], []
    if not parts or parts[0].tag != "intro":
        sections.append("lead")
    for part in parts:
        first_bar = len(sections)
        if part.tag == "intro":
            sections += ["intro"] * INTRO_BARS
        elif part.tag == "outro":
            sections += ["outro"] * (OUTRO_BARS - 1)
        else:
            sung = 0
            for vowel_onsets in part.lines:
                if vowel_onsets is None:
                    sections.append("rest")
                    continue
                line_rng = np.random.default_rng([seed, PART_STREAMS.get(part.tag, 1), sung])
                rhythm = phrase_rhythm(vowel_onsets, steps_per_beat, beat_seconds)
                bars = phrase_bars(rhythm, BEATS_PER_BAR)
                phrases.append((len(sections), rhythm, part.tag, line_rng))
                sections += [part.tag] * bars
                sung += 1
            while whole_loops and (len(sections) - first_bar) % LOOP_BARS:
                sections.append(part.tag)
        placed.append((part.tag, first_bar, len(sections)))
    bar_seconds = BEATS_PER_BAR * 60.0 / tempo
    while (len(sections) + 1) * bar_seconds < SHORTEST_SONG_SECONDS:
        sections.append("outro")
    sections.append("end")
    bar_chords = _chords_per_bar(sections, placed, loop, bridge, analysis.chord_objects() if reference_chords else None)
    bar_chords[-1] = home
    sung_lines = []
    for first_bar, rhythm, tag, line_rng in phrases:

        def chord_at(beat, first_bar=first_bar):
            return bar_chords[first_bar + int(beat // BEATS_PER_BAR)]

        centre = middle + (CHORUS_LIFT if tag == "chorus" else 0)
        notes = phrase_melody(rhythm, chord_at, analysis.tonic, analysis.key_mode, centre, beat_seconds, line_rng)
        sung_lines.append(SungLine(first_beat=first_bar * BEATS_PER_BAR, notes=notes))
    return SongPlan(tempo, bar_chords, sections, sung_lines, placed)


def _chords_per_bar(sections: list, placed: list, loop: list, bridge: list, reference_chords) -> list:
    """A cover plays the reference's chords bar by bar; otherwise each part starts its loop afresh
    (a bridge has a loop of its own) and bars outside the parts continue the last one."""
    if reference_chords:
        return [reference_chords[bar % len(reference_chords)] for bar in range(len(sections))]
    starts = {first: (tag, first) for tag, first, _ in placed}
    current_tag, current_first, chords = "lead", 0, []
    for bar in range(len(sections)):
        current_tag, current_first = starts.get(bar, (current_tag, current_first))
        chords.append((bridge if current_tag == "bridge" else loop)[(bar - current_first) % LOOP_BARS])
    return chords
