"""engine.loudness measures what pyloudnorm measures, in less memory: the mastered song depends on it."""

import numpy as np
import pyloudnorm
import pytest

from engine.loudness import integrated_loudness


def _music_with_a_quiet_passage(seconds: float, rate: int, channels: int) -> np.ndarray:
    rng = np.random.default_rng(3)
    time = np.arange(int(seconds * rate)) / rate
    tone = np.sin(2 * np.pi * 220 * time) * np.where(time < seconds / 2, 0.5, 0.01)
    return (tone[:, None] + 0.05 * rng.standard_normal((len(time), channels))).astype(np.float32)


@pytest.mark.parametrize(("rate", "channels"), [(44100, 2), (48000, 1), (22050, 5)])
def test_integrated_loudness_is_pyloudnorms_to_the_last_bit(rate, channels):
    audio = _music_with_a_quiet_passage(12.0, rate, channels)

    assert integrated_loudness(audio, rate) == pyloudnorm.Meter(rate).integrated_loudness(audio.astype(np.float64))


def test_integrated_loudness_of_silence_is_minus_infinity_as_pyloudnorm_says():
    silence = np.zeros((44100 * 3, 2), dtype=np.float32)
    measured_by_pyloudnorm = pyloudnorm.Meter(44100).integrated_loudness(silence.astype(np.float64))

    assert integrated_loudness(silence, 44100) == measured_by_pyloudnorm == -np.inf
