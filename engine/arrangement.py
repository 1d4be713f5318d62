"""The band: drums, bass, keys and pad, as General MIDI note events on a beat timeline.

Instrument choice follows the reference's brightness (its spectral centroid); the drum groove
follows its accent profile per 16th note and its onset density; the seed picks among a few
equally fitting choices so different seeds give audibly different arrangements.
"""

from dataclasses import dataclass

import numpy as np

from .harmony import Chord

DRUM_CHANNEL = 9
BASS_CHANNEL, KEYS_CHANNEL, PAD_CHANNEL = 0, 1, 2
KICK, SNARE, CLOSED_HAT, OPEN_HAT, CRASH, RIDE = 36, 38, 42, 46, 49, 51
STEPS_PER_BEAT = 4
BRIGHT_CENTROID_HZ = 2200.0

# General MIDI programs (0-based) per part, for dark and bright references.
PROGRAMS = {
    "bass": {"dark": (32, 33), "bright": (33, 38)},  # acoustic, finger, synth bass
    "keys": {"dark": (0, 4), "bright": (1, 4)},  # grand, bright piano, electric piano
    "pad": {"dark": (48, 89), "bright": (90, 50)},  # strings, warm pad, polysynth, synth strings
}
KEYS_PATTERNS = (  # 16th-note steps within a bar where the keys strike the chord
    (0, 8),
    (0, 6, 10),
    (0, 4, 8, 12),
    (0, 3, 6, 10, 12),
)


@dataclass
class NoteEvent:
    start_beat: float
    length_beats: float
    pitch: int
    velocity: int
    channel: int


@dataclass
class Band:
    programs: dict  # channel -> GM program
    events: list


def choose_programs(brightness_hz: float, rng: np.random.Generator, style=None) -> dict:
    """Programs by the reference's brightness (or the shade the style asks for), then the ones
    the style names."""
    shade = "bright" if brightness_hz >= BRIGHT_CENTROID_HZ else "dark"
    shade = style.shade if style is not None and style.shade else shade
    chosen = {part: int(rng.choice(PROGRAMS[part][shade])) for part in ("bass", "keys", "pad")}
    if style is not None:
        chosen |= style.programs
    return {BASS_CHANNEL: chosen["bass"], KEYS_CHANNEL: chosen["keys"], PAD_CHANNEL: chosen["pad"]}


# The hat density a style's energy asks for, in onsets per second (see drum_bar): a sparse
# ballad keeps one hat a beat, a busy song at least two.
SPARSE_ONSET_DENSITY = 1.0
BUSY_ONSET_DENSITY = 3.0


def drum_bar(kick_accents, snare_accents, hat_accents, onset_density: float, rng, four_on_the_floor=False) -> list:
    """(step, drum, velocity) for one bar, built from the reference's accent profile."""
    kick_steps = {0} | {step for step, accent in enumerate(kick_accents) if accent >= 0.6 and step % 2 == 0}
    if four_on_the_floor:
        kick_steps = {0, 4, 8, 12}
    hits = [(step, KICK, int(80 + 40 * kick_accents[step])) for step in sorted(kick_steps)][:4]
    hits += [(step, SNARE, int(90 + 30 * snare_accents[step])) for step in (4, 12)]
    hats_every = 4 if onset_density < 1.5 else 2 if onset_density < 4.5 else 1
    cymbal = RIDE if rng.random() < 0.25 else CLOSED_HAT
    hits += [(step, cymbal, int(50 + 45 * hat_accents[step])) for step in range(0, 16, hats_every)]
    if rng.random() < 0.5:
        hits.append((14, OPEN_HAT, 70))
    return [(step, drum, min(127, velocity)) for step, drum, velocity in hits]


def fill(rng) -> list:
    """A snare run into the next section on the last beat of a bar."""
    steps = (12, 13, 14, 15) if rng.random() < 0.5 else (12, 14, 15)
    return [(step, SNARE, 70 + 10 * number) for number, step in enumerate(steps)]


def bass_line(chord: Chord, bar_start: float, kick_steps: list, beats_per_bar: int) -> list:
    """Chord roots in the bass register, struck with the kick, held until the next strike."""
    root = 36 + (chord.root - 36) % 12  # C2..B2
    steps = sorted(set(kick_steps) | {0})
    ends = steps[1:] + [beats_per_bar * STEPS_PER_BEAT]
    return [
        NoteEvent(
            bar_start + step / STEPS_PER_BEAT,
            (end - step) / STEPS_PER_BEAT * 0.95,
            root,
            96 if step == 0 else 84,
            BASS_CHANNEL,
        )
        for step, end in zip(steps, ends, strict=False)
    ]


def voicing(chord: Chord, around: int) -> list:
    """The chord's three notes in close position nearest to a middle pitch."""
    return sorted(around - 6 + (pitch_class - (around - 6)) % 12 for pitch_class in chord.pitch_classes())


def keys_bar(chord: Chord, bar_start: float, pattern: tuple, beats_per_bar: int) -> list:
    ends = list(pattern[1:]) + [beats_per_bar * STEPS_PER_BEAT]
    return [
        NoteEvent(
            bar_start + step / STEPS_PER_BEAT,
            (end - step) / STEPS_PER_BEAT * 0.9,
            pitch,
            72 if step == 0 else 60,
            KEYS_CHANNEL,
        )
        for step, end in zip(pattern, ends, strict=False)
        for pitch in voicing(chord, 62)
    ]


def pad_bar(chord: Chord, bar_start: float, beats_per_bar: int, brightness_hz: float) -> list:
    velocity = 58 if brightness_hz >= BRIGHT_CENTROID_HZ else 48
    return [NoteEvent(bar_start, beats_per_bar, pitch, velocity, PAD_CHANNEL) for pitch in voicing(chord, 55)]


def arrange(analysis, bar_chords: list, sections: list, beats_per_bar: int, rng, style=None) -> Band:
    """Events for every bar; sections[bar] is "intro", "lead", a sung part, "rest", "outro" or "end".

    style (engine.style.Style) may name programs and a shade, and set the energy: a sparse style
    plays one hat a beat and the keys twice a bar, a busy one at least two hats a beat."""
    programs = choose_programs(analysis.brightness_hz, rng, style)
    energy = style.energy if style is not None else 0
    density = analysis.onset_density
    if energy:
        density = min(density, SPARSE_ONSET_DENSITY) if energy < 0 else max(density, BUSY_ONSET_DENSITY)
    four_on_the_floor = style is not None and style.groove == "four on the floor"
    groove = drum_bar(
        analysis.kick_accents, analysis.snare_accents, analysis.hat_accents, density, rng, four_on_the_floor
    )
    kick_steps = [step for step, drum, _ in groove if drum == KICK]
    # A chorus lifts: its hats run twice as dense as the rest of the song's.
    chorus_groove = groove
    if "chorus" in sections:
        chorus_groove = drum_bar(
            analysis.kick_accents, analysis.snare_accents, analysis.hat_accents, 2 * density, rng, four_on_the_floor
        )
    pattern = KEYS_PATTERNS[int(rng.integers(len(KEYS_PATTERNS)))]
    if energy < 0:
        pattern = KEYS_PATTERNS[0]
    fill_every = int(rng.choice([4, 8]))
    events = []
    for bar, (chord, section) in enumerate(zip(bar_chords, sections, strict=False)):
        start = bar * beats_per_bar
        if section == "end":
            events += [NoteEvent(start, beats_per_bar, pitch, 80, KEYS_CHANNEL) for pitch in voicing(chord, 62)]
            events += pad_bar(chord, start, beats_per_bar, analysis.brightness_hz)
            events.append(NoteEvent(start, beats_per_bar, 36 + (chord.root - 36) % 12, 96, BASS_CHANNEL))
            events.append(NoteEvent(start, 1.0, CRASH, 100, DRUM_CHANNEL))
            events.append(NoteEvent(start, 1.0, KICK, 110, DRUM_CHANNEL))
            continue
        events += pad_bar(chord, start, beats_per_bar, analysis.brightness_hz)
        events += keys_bar(chord, start, pattern, beats_per_bar)
        quiet_intro = section == "intro" and bar < 2
        if quiet_intro:
            continue
        events += bass_line(chord, start, kick_steps, beats_per_bar)
        next_section = sections[bar + 1] if bar + 1 < len(sections) else "end"
        hits = list(chorus_groove if section == "chorus" else groove)
        if next_section != section or (bar + 1) % fill_every == 0:
            hits = [hit for hit in hits if hit[0] < 12] + fill(rng)
        if bar == 0 or sections[bar - 1] != section:
            hits.append((0, CRASH, 96))
        events += [
            NoteEvent(start + step / STEPS_PER_BEAT, 0.25, drum, velocity, DRUM_CHANNEL)
            for step, drum, velocity in hits
        ]
    return Band(programs=programs, events=events)
