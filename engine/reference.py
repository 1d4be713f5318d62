"""Reading a reference recording into the shape the analysers expect."""

from dataclasses import dataclass

import numpy as np
import soundfile
from scipy.signal import resample_poly

from generation.catalogue import LOCAL_REFERENCE_MAX_SECONDS, REFERENCE_FORMATS, formats_text, minutes_text

from .errors import ReferenceTooLong, UnreadableReference

ANALYSIS_RATE = 22050
# Long references are analysed on an excerpt from their middle: a minute and a half holds
# enough bars for tempo, key and groove, and keeps analysis time bounded.
EXCERPT_SECONDS = 90.0


@dataclass
class ReferenceAudio:
    """A mono excerpt at ANALYSIS_RATE, plus what was measured about the whole file."""

    mono: np.ndarray
    stereo_excerpt: np.ndarray  # (frames, channels) at the file's own rate, for loudness
    file_rate: int
    duration: float


def load_reference(path) -> ReferenceAudio:
    """Decode an audio file (the catalogue's REFERENCE_FORMATS, all of which libsndfile reads); raise
    UnreadableReference if it is not audio, ReferenceTooLong past LOCAL_REFERENCE_MAX_SECONDS."""
    try:
        info = soundfile.info(str(path))
        duration = info.frames / info.samplerate
        if duration > LOCAL_REFERENCE_MAX_SECONDS + 1.0:
            raise ReferenceTooLong(
                f"the reference is {minutes_text(duration)} long; it must be at most "
                f"{minutes_text(LOCAL_REFERENCE_MAX_SECONDS)}"
            )
        start = max(0.0, (duration - EXCERPT_SECONDS) / 2)
        samples, rate = soundfile.read(
            str(path),
            start=int(start * info.samplerate),
            frames=int(EXCERPT_SECONDS * info.samplerate),
            dtype="float32",
            always_2d=True,
        )
    except (soundfile.LibsndfileError, RuntimeError, ValueError, TypeError) as error:
        # The decoder's own text names a temporary path and library internals: not for the person.
        raise UnreadableReference(
            "this file could not be decoded as audio: it is not a recording in "
            f"{formats_text(REFERENCE_FORMATS)}, or it is damaged"
        ) from error
    if len(samples) == 0 or not np.all(np.isfinite(samples)):
        raise UnreadableReference("this file could not be decoded as audio: it holds no usable samples")
    if start == 0.0:
        # MP3 headers only estimate the length; the decoded samples are the truth.
        duration = len(samples) / rate
    mono = samples.mean(axis=1)
    return ReferenceAudio(
        mono=to_rate(mono, rate, ANALYSIS_RATE),
        stereo_excerpt=samples,
        file_rate=rate,
        duration=duration,
    )


def to_rate(samples: np.ndarray, rate: int, target_rate: int) -> np.ndarray:
    """Resample along the first axis with a polyphase filter (exact, deterministic)."""
    if rate == target_rate:
        return samples.astype(np.float32)
    divisor = np.gcd(int(rate), int(target_rate))
    resampled = resample_poly(samples, target_rate // divisor, rate // divisor, axis=0)
    return resampled.astype(np.float32)
