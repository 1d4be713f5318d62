"""Reading an uploaded reference track: sniff its real type, decode it, measure it.

Each rejection is a sentence that says what was measured, so the person knows what to change.
"""

from dataclasses import dataclass

import numpy as np
import soundfile
from django.conf import settings
from django.core.files import File

from jobs.errors import ExplainedError

# Magic numbers of files people upload by mistake, to say what the file really is.
KNOWN_SIGNATURES = [
    (b"PK\x03\x04", "a ZIP archive"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"OggS", "an Ogg file"),
    (b"fLaC", "a FLAC file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"MThd", "a MIDI file"),
    (b"{", "a text or JSON file"),
    (b"<", "an HTML or XML file"),
]
DECODE_BLOCK_FRAMES = 65536


class ReferenceRejected(ExplainedError):
    pass


@dataclass(frozen=True)
class AudioInfo:
    format: str  # "wav" or "mp3"
    duration: float  # seconds
    size: int  # bytes
    samplerate: int
    channels: int


def sniff_format(head):
    """Name the audio format from the first bytes, or raise with what the file looks like instead."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head[4:8] == b"ftyp":
        raise ReferenceRejected("This looks like an MP4/M4A file, not WAV or MP3. Convert it to WAV or MP3 first.")
    for signature, description in KNOWN_SIGNATURES:
        if head.startswith(signature):
            raise ReferenceRejected(f"This looks like {description}, not WAV or MP3. Upload a .wav or .mp3 song.")
    raise ReferenceRejected("This file is not a WAV or MP3 recording. Upload a .wav or .mp3 song.")


def measure_reference(uploaded_file):
    """Check an uploaded reference and return what was measured; raise ReferenceRejected otherwise."""
    size = uploaded_file.size
    max_bytes = settings.MUSICGEN_REFERENCE_MAX_MB * 1_000_000
    if size > max_bytes:
        raise ReferenceRejected(
            f"This file is {size / 1_000_000:.1f} MB; the reference must be at most "
            f"{settings.MUSICGEN_REFERENCE_MAX_MB} MB."
        )
    info = _measure(uploaded_file)
    _check_duration(info.duration)
    return info


def measure_song(song_file):
    """Check that a downloaded song really is WAV or MP3 audio and measure it."""
    return _measure(song_file)


def waveform_peaks(path, bins=800):
    """Peak levels (0..1) of `bins` equal slices of the song, for drawing a waveform without decoding it."""
    with soundfile.SoundFile(path) as decoder:
        frames_per_bin = max(1, decoder.frames // bins)
        peaks = []
        for block in decoder.blocks(blocksize=frames_per_bin, dtype="float32", always_2d=True):
            peaks.append(round(float(np.abs(block).max()), 3) if len(block) else 0.0)
    return peaks[:bins]


def _measure(audio_file):
    size = audio_file.size
    if size == 0:
        raise ReferenceRejected("This file is empty.")
    audio_file.seek(0)
    audio_format = sniff_format(audio_file.read(12))
    audio_file.seek(0)
    frames, samplerate, channels = _decode(audio_file, audio_format)
    audio_file.seek(0)
    return AudioInfo(audio_format, round(frames / samplerate, 3), size, samplerate, channels)


def _decode(uploaded_file, audio_format):
    """Decode every frame, so a truncated or corrupt file is caught now rather than by the generator."""
    source = uploaded_file.temporary_file_path() if hasattr(uploaded_file, "temporary_file_path") else uploaded_file
    if isinstance(source, File) and getattr(source, "file", None) is not None:
        source = source.file
    frames = 0
    try:
        with soundfile.SoundFile(source) as decoder:
            for block in decoder.blocks(blocksize=DECODE_BLOCK_FRAMES, dtype="float32"):
                frames += len(block)
            return frames, decoder.samplerate, decoder.channels
    except (soundfile.LibsndfileError, RuntimeError, ValueError) as exc:
        raise ReferenceRejected(
            f"This file starts like {audio_format.upper()} but could not be decoded ({exc}). "
            "It may be damaged or cut short; export it again."
        ) from None


def _check_duration(duration):
    minimum = settings.MUSICGEN_REFERENCE_MIN_SECONDS
    maximum = settings.MUSICGEN_REFERENCE_MAX_SECONDS
    if duration <= minimum:
        raise ReferenceRejected(
            f"This file is {duration:.1f} s long; the reference must be longer than {minimum} s."
        )
    if duration > maximum:
        raise ReferenceRejected(
            f"This file is {_minutes(duration)} long; the reference must be at most {_minutes(maximum)}."
        )


def _minutes(seconds):
    whole_minutes, rest = divmod(round(seconds), 60)
    if not whole_minutes:
        return f"{rest} s"
    return f"{whole_minutes} min {rest:02d} s" if rest else f"{whole_minutes} min"
