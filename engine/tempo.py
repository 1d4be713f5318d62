"""Tempo, beat grid, downbeats and the groove's accent pattern, from onset strength."""

from dataclasses import dataclass, replace

import numpy as np

from .spectrum import Spectrogram

SLOWEST_BPM = 55.0
FASTEST_BPM = 200.0
# Listeners and beat trackers prefer tempi near 120 BPM; weighting the autocorrelation with
# this prior picks the same metrical level they would instead of half or double time.
PREFERRED_BPM = 120.0
FALLBACK_BPM = 100.0
STEPS_PER_BAR = 16
BEATS_PER_BAR = 4


@dataclass
class Groove:
    tempo: float
    beat_found: bool
    first_downbeat: float  # seconds from the start of the file
    beat_times: list
    onset_density: float  # onsets per second
    kick_accents: list  # STEPS_PER_BAR values in 0..1, low-band onset strength per 16th
    snare_accents: list
    hat_accents: list


def onset_strength(spec: Spectrogram, low_hz: float = 0.0, high_hz: float = 1e9) -> np.ndarray:
    """Positive spectral flux of log magnitude within a band, one value per frame.

    Bins are weighted by 1/frequency so every octave counts alike, as on a mel scale;
    otherwise the many bins above 5 kHz let hi-hats outvote the kick and snare, and the
    tempo comes out doubled.
    """
    band = (spec.frequencies >= low_hz) & (spec.frequencies < high_hz)
    log_magnitude = np.log1p(100.0 * spec.magnitude[:, band])
    octave_weight = 1.0 / np.maximum(spec.frequencies[band], 100.0)
    rise = np.maximum(0.0, np.diff(log_magnitude, axis=0, prepend=log_magnitude[:1]))
    flux = rise @ octave_weight
    return flux - _moving_average(flux, 16)


def _moving_average(values: np.ndarray, width: int) -> np.ndarray:
    return np.convolve(values, np.ones(width) / width, mode="same")


def _interpolate(values: np.ndarray, positions: np.ndarray) -> np.ndarray:
    return np.interp(positions, np.arange(len(values)), values, left=0.0, right=0.0)


def _beat_period(envelope: np.ndarray, frame_rate: float):
    """Beat period in frames (fractional) and how clearly periodic the envelope is."""
    centred = envelope - envelope.mean()
    spectrum = np.fft.rfft(centred, 2 * len(centred))
    autocorrelation = np.fft.irfft(np.abs(spectrum) ** 2)[: len(centred)]
    if autocorrelation[0] <= 0:
        return None, 0.0
    autocorrelation /= autocorrelation[0]
    lags = np.arange(len(autocorrelation))
    bpm = np.where(lags > 0, 60.0 * frame_rate / np.maximum(lags, 1), 0.0)
    candidates = (bpm >= SLOWEST_BPM) & (bpm <= FASTEST_BPM)
    if not candidates.any():
        return None, 0.0
    prior = np.exp(-0.5 * (np.log2(np.maximum(bpm, 1e-3) / PREFERRED_BPM)) ** 2)
    weighted = np.where(candidates, autocorrelation * prior, -np.inf)
    coarse_lag = int(np.argmax(weighted))
    # Refine to a fraction of a frame by summing the autocorrelation at every multiple of the
    # period: a 1% error in the period becomes a k% error at the k-th multiple.
    fine_lags = coarse_lag * np.linspace(0.96, 1.04, 321)
    multiples = np.arange(1, max(2, int(len(centred) / 2 / coarse_lag)))
    scores = [_interpolate(autocorrelation, lag * multiples).sum() for lag in fine_lags]
    return float(fine_lags[int(np.argmax(scores))]), float(autocorrelation[coarse_lag])


def _phase(envelope: np.ndarray, period: float) -> float:
    """Offset in frames of the beat grid that lands on the most onset strength."""
    beats = np.arange(0, len(envelope) / period - 1) * period
    offsets = np.linspace(0, period, int(period * 4), endpoint=False)
    scores = [_interpolate(envelope, beats + offset).sum() for offset in offsets]
    return float(offsets[int(np.argmax(scores))])


def _step_profile(envelope: np.ndarray, downbeat: float, beat_period: float) -> np.ndarray:
    """Average onset strength at each 16th-note step of the bar, scaled to 0..1."""
    step = beat_period / 4
    positions = downbeat + np.arange(0, (len(envelope) - downbeat) / step - 1) * step
    strengths = _interpolate(np.maximum(envelope, 0), positions)
    bars = len(strengths) // STEPS_PER_BAR
    if bars == 0:
        return np.zeros(STEPS_PER_BAR)
    profile = strengths[: bars * STEPS_PER_BAR].reshape(bars, STEPS_PER_BAR).mean(axis=0)
    return profile / profile.max() if profile.max() > 0 else profile


def _onset_density(envelope: np.ndarray, frame_rate: float) -> float:
    threshold = envelope.mean() + envelope.std()
    peaks = (envelope[1:-1] > threshold) & (envelope[1:-1] >= envelope[:-2]) & (envelope[1:-1] > envelope[2:])
    return float(peaks.sum() / (len(envelope) / frame_rate))


def analyse_groove(spec: Spectrogram, excerpt_start: float) -> Groove:
    envelope = onset_strength(spec)
    kick = onset_strength(spec, 0, 150)
    snare = onset_strength(spec, 150, 2500)
    hat = onset_strength(spec, 5000)
    period, clarity = _beat_period(envelope, spec.frame_rate)
    beat_found = period is not None and clarity > 0.05 and envelope.std() > 1e-6
    if not beat_found:
        period = 60.0 * spec.frame_rate / FALLBACK_BPM
    phase = _phase(envelope, period)
    # The downbeat is the beat of four with the strongest bass-drum onsets.
    beat_frames = phase + np.arange(0, (len(envelope) - phase) / period) * period
    kick_on_beats = _interpolate(np.maximum(kick, 0), beat_frames)
    downbeat_index = int(np.argmax([kick_on_beats[i::BEATS_PER_BAR].sum() for i in range(BEATS_PER_BAR)]))
    downbeat = phase + downbeat_index * period
    return Groove(
        tempo=round(60.0 * spec.frame_rate / period, 2),
        beat_found=bool(beat_found),
        first_downbeat=round(excerpt_start + downbeat / spec.frame_rate, 3),
        beat_times=[round(excerpt_start + float(frame / spec.frame_rate), 3) for frame in beat_frames],
        onset_density=round(_onset_density(envelope, spec.frame_rate), 2),
        kick_accents=[round(float(value), 3) for value in _step_profile(kick, downbeat, period)],
        snare_accents=[round(float(value), 3) for value in _step_profile(snare, downbeat, period)],
        hat_accents=[round(float(value), 3) for value in _step_profile(hat, downbeat, period)],
    )


def shift_downbeat(groove: Groove, beats: int) -> Groove:
    """The same groove with its bars starting `beats` beats later (accents rotate with them)."""
    if beats == 0:
        return groove
    steps = beats * STEPS_PER_BAR // BEATS_PER_BAR

    def rotate(accents):
        return accents[steps:] + accents[:steps]

    return replace(
        groove,
        first_downbeat=round(groove.first_downbeat + beats * 60.0 / groove.tempo, 3),
        kick_accents=rotate(groove.kick_accents),
        snare_accents=rotate(groove.snare_accents),
        hat_accents=rotate(groove.hat_accents),
    )
