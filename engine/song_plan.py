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
# Comfortable sung ranges of the two voices, as MIDI numbers of the melody's middle.
LOWER_VOICE_MIDDLE = (48, 57)
HIGHER_VOICE_MIDDLE = (60, 69)
HIGHER_VOICE_ABOVE_MIDI = 57.0  # a reference singer centred above A3 gets the higher voice


@dataclass
class SungLine:
    first_beat: float  # where the phrase starts in the song
    notes: list  # MelodyNote, one per syllable, beats relative to first_beat


@dataclass
class SongPlan:
    tempo: float
    bar_chords: list
    sections: list  # per bar: "intro", "lead", "verse", "rest", "outro", "end"
    sung_lines: list
    higher_voice: bool

    @property
    def beat_seconds(self) -> float:
        return 60.0 / self.tempo

    @property
    def duration(self) -> float:
        return len(self.sections) * BEATS_PER_BAR * self.beat_seconds


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


def melody_middle(analysis) -> tuple:
    """(higher voice?, MIDI middle of the melody) from the reference singer's register.

    With no singer to follow, the higher voice sings: its words are recognised more often
    (pocketsphinx, bench/engine_quality.py)."""
    if not analysis.vocals_found:
        return True, 62
    higher = analysis.vocal_median_midi >= HIGHER_VOICE_ABOVE_MIDI
    low, high = HIGHER_VOICE_MIDDLE if higher else LOWER_VOICE_MIDDLE
    return higher, int(np.clip(round(analysis.vocal_median_midi), low, high))


def plan_song(analysis, line_stresses: list, intro_and_outro: bool, seed: int) -> SongPlan:
    """line_stresses: per lyric item, the stress (0..2) of each syllable, or None for a pause."""
    rng = np.random.default_rng(seed)
    home = diatonic_chords(analysis.tonic, analysis.key_mode)[0]
    loop = chord_loop(analysis.chord_objects(), analysis.tonic, analysis.key_mode, rng)
    higher_voice, middle = melody_middle(analysis)
    steps_per_beat = syllable_grid(analysis.tempo)
    sections = ["intro"] * INTRO_BARS if intro_and_outro else ["lead"]
    phrases = []
    for stresses in line_stresses:
        if stresses is None:
            sections.append("rest")
            continue
        rhythm = phrase_rhythm(stresses, steps_per_beat, rng)
        bars = phrase_bars(rhythm, BEATS_PER_BAR)
        phrases.append((len(sections), rhythm, bars))
        sections += ["verse"] * bars
    sections += ["outro"] * (OUTRO_BARS - 1 if intro_and_outro else 0)
    bar_seconds = BEATS_PER_BAR * 60.0 / analysis.tempo
    while (len(sections) + 1) * bar_seconds < SHORTEST_SONG_SECONDS:
        sections.append("outro")
    sections.append("end")
    bar_chords = [loop[bar % LOOP_BARS] for bar in range(len(sections))]
    bar_chords[-1] = home
    sung_lines = []
    for first_bar, rhythm, bars in phrases:

        def chord_at(beat, first_bar=first_bar):
            return bar_chords[first_bar + int(beat // BEATS_PER_BAR)]

        notes = phrase_melody(rhythm, bars, BEATS_PER_BAR, chord_at, analysis.tonic, analysis.key_mode, middle, rng)
        sung_lines.append(SungLine(first_beat=first_bar * BEATS_PER_BAR, notes=notes))
    return SongPlan(analysis.tempo, bar_chords, sections, sung_lines, higher_voice)
