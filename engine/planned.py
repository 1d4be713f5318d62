"""What a reference would have told the engine, planned from the style and the seed instead
(minimax/music-2.x take no reference): tempo, key, a chord progression and a groove."""

import numpy as np

from .analysis import Analysis
from .harmony import PITCH_CLASSES, diatonic_chords
from .style import MEDIUM
from .tempo import STEPS_PER_BAR

# Common four-chord progressions, as indexes into harmony.diatonic_chords (I ii iii IV V vi in
# major; i III iv v V VI VII in minor).
PROGRESSIONS = {
    "major": ((0, 4, 5, 3), (5, 3, 0, 4), (0, 5, 3, 4), (0, 3, 0, 4)),
    "minor": ((0, 5, 1, 6), (0, 2, 5, 4), (0, 6, 5, 6), (0, 2, 0, 4)),
}
# Accents per 16th step: kick on 1 and the "and" of 3, snare on 2 and 4, hats on 8ths.
KICK_ACCENTS = [1.0, 0, 0, 0, 0, 0, 0, 0, 0.7, 0, 0.8, 0, 0, 0, 0, 0]
SNARE_ACCENTS = [0, 0, 0, 0, 1.0, 0, 0, 0, 0, 0, 0, 0, 1.0, 0, 0, 0]
HAT_ACCENTS = [0.8 if step % 2 == 0 else 0.3 for step in range(STEPS_PER_BAR)]
ONSET_DENSITY = 3.0  # hats on 8th notes; the style's energy thins or fills them
BRIGHTNESS_HZ = {"bright": 2800.0, "dark": 1600.0, None: 2200.0}
PLANNED_LOUDNESS_LUFS = -14.0


def planned_analysis(style, seed: int) -> Analysis:
    """An Analysis as if of a reference in the style: the tempo asked for (or picked in the
    range the words give, or a medium one), a key in the mode the mood asks for, a progression."""
    rng = np.random.default_rng([seed, 7])
    low, high = style.tempo_range or MEDIUM
    tempo = style.bpm or float(round(rng.uniform(low, high)))
    mode = style.mode or str(rng.choice(["major", "minor"], p=[0.6, 0.4]))
    tonic = int(rng.integers(12))
    chords = diatonic_chords(tonic, mode)
    progression = PROGRESSIONS[mode][int(rng.integers(len(PROGRESSIONS[mode])))]
    return Analysis(
        duration=0.0,
        tempo=tempo,
        beat_found=False,
        beat_times=[],
        first_downbeat=0.0,
        key_tonic=PITCH_CLASSES[tonic],
        key_mode=mode,
        chords=[chords[index].name for index in progression] * 2,
        loudness_lufs=PLANNED_LOUDNESS_LUFS,
        onset_density=ONSET_DENSITY,
        brightness_hz=BRIGHTNESS_HZ[style.shade],
        vocals_found=False,
        vocal_median_midi=0.0,
        vocal_low_midi=0.0,
        vocal_high_midi=0.0,
        vocal_median_hz=0.0,
        kick_accents=KICK_ACCENTS,
        snare_accents=SNARE_ACCENTS,
        hat_accents=HAT_ACCENTS,
    )
