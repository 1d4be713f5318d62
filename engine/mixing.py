"""Mixing like a record: a produced vocal on top of the band, at -14 LUFS with peaks kept
below -1 dBFS true peak (measured on 4x oversampled audio, as EBU R128 / ITU BS.1770 do)."""

import numpy as np
import pedalboard
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import resample_poly

from .contour import follow_levels
from .loudness import integrated_loudness

TARGET_LUFS = -14.0
CEILING_DB = -2.0  # limiter ceiling, leaving room for MP3 encoding's overshoot
HIGHEST_TRUE_PEAK_DB = -1.5
LIMITER_WINDOW_SECONDS = 0.004
VOCAL_ABOVE_BAND_DB = 4.0
TRUE_PEAK_BLOCK = 1 << 16  # samples oversampled at a time
TRUE_PEAK_OVERLAP = 64  # samples; resample_poly's 4x filter reaches 10 either side


def produce_vocal(vocal: np.ndarray, rate: int) -> np.ndarray:
    """Compressed, EQ'd and reverberated vocal, stereo."""
    chain = pedalboard.Pedalboard(
        [
            pedalboard.HighpassFilter(cutoff_frequency_hz=100),
            pedalboard.Compressor(threshold_db=-20, ratio=3.5, attack_ms=5, release_ms=80),
            pedalboard.PeakFilter(cutoff_frequency_hz=3000, gain_db=3.0, q=1.0),
            pedalboard.HighShelfFilter(cutoff_frequency_hz=9000, gain_db=2.0),
            pedalboard.Reverb(room_size=0.4, damping=0.5, wet_level=0.18, dry_level=0.85, width=0.8),
        ]
    )
    return chain(np.stack([vocal, vocal], dtype=np.float32), rate).T


def _active_rms(audio: np.ndarray) -> float:
    """RMS over the louder half of 100 ms blocks, so rests do not count as quiet singing."""
    block = 4410
    blocks = len(audio) // block
    if blocks == 0:
        return float(np.sqrt(np.mean(audio**2)) + 1e-9)
    energy = np.sort((audio[: blocks * block].reshape(blocks, -1) ** 2).mean(axis=1))
    return float(np.sqrt(energy[blocks // 2 :].mean()) + 1e-9)


def true_peak_db(audio: np.ndarray) -> float:
    """The highest peak of the 4x oversampled audio, in dBFS.

    Oversampled a block at a time: the whole song at four times the rate would be the largest
    array the engine holds. Each block carries TRUE_PEAK_OVERLAP samples of its neighbours, more
    than the interpolation filter reaches, so its inner part is exactly the whole song's."""
    highest = None
    for start in range(0, len(audio), TRUE_PEAK_BLOCK):
        first = max(0, start - TRUE_PEAK_OVERLAP)
        block = resample_poly(audio[first : start + TRUE_PEAK_BLOCK + TRUE_PEAK_OVERLAP], 4, 1, axis=0)
        inner = block[(start - first) * 4 : (start - first + TRUE_PEAK_BLOCK) * 4]
        block_peak = np.abs(inner).max()
        highest = block_peak if highest is None else max(highest, block_peak)
    return float(20 * np.log10(highest + 1e-12))


def limiter_gain(audio: np.ndarray, rate: int, ceiling_db: float = CEILING_DB) -> np.ndarray:
    """Per frame, the gain of a look-ahead peak limiter with no make-up gain (pedalboard's Limiter
    adds some).

    The gain each frame needs is spread to its neighbours by a minimum filter, then smoothed
    over half that width, so the smoothed gain never exceeds what any frame needs.
    """
    ceiling = 10 ** (ceiling_db / 20)
    needed = np.minimum(1.0, ceiling / np.maximum(_frame_peaks(audio), 1e-9))
    width = max(3, int(LIMITER_WINDOW_SECONDS * rate)) | 1
    spread = minimum_filter1d(needed, 2 * width + 1)
    del needed  # the filters copy the whole song's gain into buffers of their own: one array fewer
    return uniform_filter1d(spread, width)


def _frame_peaks(audio: np.ndarray) -> np.ndarray:
    """The loudest channel's magnitude per frame, one channel at a time (no whole-song copy)."""
    peaks = np.abs(audio[:, 0])
    for channel in range(1, audio.shape[1]):
        np.maximum(peaks, np.abs(audio[:, channel]), out=peaks)
    return peaks


def master(vocal, band: np.ndarray, rate: int, levels=None) -> np.ndarray:
    """Balance the produced vocal over the band, then set loudness and limit the peaks.

    vocal None: an instrumental. levels: a reference's short-term levels the mix follows (a cover,
    engine/contour.py), after the bus compressor (which would flatten them) and before the loudness
    and peak limiting. A two-minute song is 42 MB per stereo float32 copy (84 MB in float64), so
    each step replaces the mix rather than keeping the one before; the caller's vocal is released
    once mixed."""
    if vocal is None:
        mix = band
    else:
        mix = _vocal_over_band(vocal, band)
        del vocal
    glue = pedalboard.Compressor(threshold_db=-14, ratio=2.0, attack_ms=10, release_ms=150)
    mix = glue(np.ascontiguousarray(mix.T, dtype=np.float32), rate).T
    if levels is not None:
        mix = follow_levels(mix, levels, rate)
    for _ in range(2):  # the limiter takes a little loudness away; a second pass restores it
        # loudness is a float64 scalar, so from here on the mix is float64, as it always was
        mix = mix * 10 ** ((TARGET_LUFS - integrated_loudness(mix, rate)) / 20)
        mix *= limiter_gain(mix, rate)[:, None]
    excess = true_peak_db(mix) - HIGHEST_TRUE_PEAK_DB
    if excess > 0:
        mix *= 10 ** (-excess / 20)
    return mix.astype(np.float32)


def _vocal_over_band(vocal: np.ndarray, band: np.ndarray) -> np.ndarray:
    """The vocal plus the band, the band set VOCAL_ABOVE_BAND_DB below the vocal's singing; the
    shorter of the two is padded with silence."""
    length = max(len(vocal), len(band))
    if len(vocal) < length:
        vocal = np.pad(vocal, ((0, length - len(vocal)), (0, 0)))
    if len(band) < length:
        band = np.pad(band, ((0, length - len(band)), (0, 0)))
    mix = band * (_active_rms(vocal) / _active_rms(band) * 10 ** (-VOCAL_ABOVE_BAND_DB / 20))
    mix += vocal
    return mix
