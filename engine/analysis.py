"""What the engine measures about a reference, as one JSON-ready record."""

from dataclasses import asdict, dataclass

import numpy as np

from .harmony import PITCH_CLASSES, Chord, chords_per_bar, chroma, estimate_key
from .loudness import integrated_loudness
from .reference import ANALYSIS_RATE, ReferenceAudio, load_reference
from .singer import find_singer, midi_to_hz
from .spectrum import spectrogram
from .tempo import BEATS_PER_BAR, analyse_groove, shift_downbeat


@dataclass
class Analysis:
    duration: float
    tempo: float
    beat_found: bool
    beat_times: list
    first_downbeat: float
    key_tonic: str
    key_mode: str
    chords: list  # one chord name per bar of the analysed excerpt
    loudness_lufs: float
    onset_density: float
    brightness_hz: float  # mean spectral centroid
    vocals_found: bool
    vocal_median_midi: float
    vocal_low_midi: float
    vocal_high_midi: float
    vocal_median_hz: float
    kick_accents: list
    snare_accents: list
    hat_accents: list

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def tonic(self) -> int:
        return PITCH_CLASSES.index(self.key_tonic)

    def chord_objects(self) -> list:
        return [
            Chord(PITCH_CLASSES.index(name.rstrip("m")), "min" if name.endswith("m") else "maj") for name in self.chords
        ]


def analyze(reference_path) -> Analysis:
    """Measure tempo, key, chords, loudness, groove and the singer's register of a file."""
    return analyze_audio(load_reference(reference_path))


def analyze_audio(reference: ReferenceAudio) -> Analysis:
    spec = spectrogram(reference.mono, ANALYSIS_RATE)
    excerpt_start = max(0.0, (reference.duration - len(reference.mono) / ANALYSIS_RATE) / 2)
    groove = analyse_groove(spec, excerpt_start)
    # The finer spectrum serves both the harmony and the singer: computed once.
    fine_spec = spectrogram(reference.mono, ANALYSIS_RATE, fft_size=4096)
    frame_chroma = chroma(fine_spec)
    groove = shift_downbeat(groove, _harmonic_change_beat(groove, frame_chroma, excerpt_start, spec.frame_rate))
    tonic, mode = estimate_key(frame_chroma.sum(axis=0))
    bar_starts = _bar_start_frames(groove, excerpt_start, spec.frame_rate, len(frame_chroma))
    singer = find_singer(fine_spec)
    return Analysis(
        duration=round(reference.duration, 3),
        tempo=groove.tempo,
        beat_found=groove.beat_found,
        beat_times=groove.beat_times,
        first_downbeat=groove.first_downbeat,
        key_tonic=PITCH_CLASSES[tonic],
        key_mode=mode,
        chords=[chord.name for chord in chords_per_bar(frame_chroma, bar_starts, tonic, mode)],
        loudness_lufs=_loudness(reference),
        onset_density=groove.onset_density,
        brightness_hz=round(_spectral_centroid(spec), 1),
        vocals_found=singer.vocals_found,
        vocal_median_midi=singer.median_midi,
        vocal_low_midi=singer.low_midi,
        vocal_high_midi=singer.high_midi,
        vocal_median_hz=round(float(midi_to_hz(singer.median_midi)), 1) if singer.vocals_found else 0.0,
        kick_accents=groove.kick_accents,
        snare_accents=groove.snare_accents,
        hat_accents=groove.hat_accents,
    )


def _harmonic_change_beat(groove, frame_chroma, excerpt_start: float, frame_rate: float) -> int:
    """Which of the first four beats starts the bars, judged by where the harmony changes
    most (chords change on bar lines far more often than inside bars), with the bass drum
    as the tie-breaker it already was."""
    frames = ((np.array(groove.beat_times) - excerpt_start) * frame_rate).astype(int)
    frames = frames[(frames >= 0) & (frames < len(frame_chroma))]
    if len(frames) < 3 * BEATS_PER_BAR:
        return 0
    per_beat = np.array(
        [frame_chroma[start:end].mean(axis=0) for start, end in zip(frames[:-1], frames[1:], strict=False)]
    )
    unit = per_beat / np.maximum(np.linalg.norm(per_beat, axis=1, keepdims=True), 1e-9)
    change = np.concatenate([[0.0], 1 - (unit[1:] * unit[:-1]).sum(axis=1)])
    first = int(np.searchsorted(frames, (groove.first_downbeat - excerpt_start) * frame_rate - 1))
    scores = [change[(first + offset) % BEATS_PER_BAR :: BEATS_PER_BAR].mean() for offset in range(BEATS_PER_BAR)]
    best = int(np.argmax(scores))
    return best if scores[best] > 1.5 * scores[0] else 0


def _bar_start_frames(groove, excerpt_start: float, frame_rate: float, frame_count: int) -> np.ndarray:
    bar_seconds = BEATS_PER_BAR * 60.0 / groove.tempo
    first = groove.first_downbeat - excerpt_start
    starts = np.arange(first, frame_count / frame_rate, bar_seconds) * frame_rate
    return np.append(starts, frame_count) if len(starts) else np.array([0, frame_count])


def _loudness(reference: ReferenceAudio) -> float:
    loudness = integrated_loudness(reference.stereo_excerpt, reference.file_rate)
    return round(float(loudness), 2) if np.isfinite(loudness) else -70.0


def _spectral_centroid(spec) -> float:
    energy = spec.magnitude.sum(axis=1)
    centroid = (spec.magnitude @ spec.frequencies) / np.maximum(energy, 1e-9)
    return float(np.average(centroid, weights=energy)) if energy.sum() > 0 else 0.0
