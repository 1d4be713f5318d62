"""Reading an uploaded reference track: sniff its real type, decode it, measure it.

Each rejection is a sentence that says what was measured, so the person knows what to change.
"""

import logging
import math
import struct
from dataclasses import dataclass

import numpy as np
import soundfile
from django.conf import settings
from django.core.files import File

from generation import catalogue
from plumbing.errors import ExplainedError

# Magic numbers of files people upload by mistake, to say what the file really is.
KNOWN_SIGNATURES = [
    (b"PK\x03\x04", "a ZIP archive"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"OggS", "an Ogg file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"MThd", "a MIDI file"),
    (b"{", "a text or JSON file"),
    (b"<", "an HTML or XML file"),
]
DECODE_BLOCK_FRAMES = 65536
# What the decoder may find in a file that starts like each format (libsndfile's names).
DECODED_FORMATS = {"wav": {"WAV", "WAVEX"}, "mp3": {"MP3"}, "flac": {"FLAC"}}
DECODED_FORMAT_NAMES = {"FLAC": "FLAC", "OGG": "Ogg", "WAV": "WAV", "WAVEX": "WAV", "AIFF": "AIFF"}
ID3_FOOTER_FLAG = 0x10
SAMPLERATE_MIN = 8_000
SAMPLERATE_MAX = 384_000
# Quieter than this everywhere, a recording has nothing a generator can take a style from.
SILENCE_PEAK_DBFS = -60.0
# Streaming writers put these in a WAV's data size before they know it: "until the end of the file".
WAV_UNKNOWN_DATA_SIZES = (0, 0xFFFFFFFF)
WAV_MAX_CHUNKS_BEFORE_DATA = 64
WAV_FMT_FIELDS_SIZE = 14  # format tag, channels, sample rate, byte rate, block align

logger = logging.getLogger(__name__)


class ReferenceRejected(ExplainedError):
    pass


@dataclass(frozen=True)
class AudioInfo:
    format: str  # "wav", "mp3" or "flac"
    duration: float  # seconds
    size: int  # bytes
    samplerate: int
    channels: int
    peak_dbfs: float  # the loudest sample, in dB below full scale (-inf: digital silence)


def sniff_format(head, formats):
    """Name the audio format from the first bytes, or raise with what the file looks like instead, naming
    the `formats` that would do."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:3] == b"ID3" or _is_mpeg_audio_frame(head):
        return "mp3"
    if head[:4] == b"fLaC":
        return "flac"
    names = catalogue.formats_text(formats, article=True)
    description = _looks_like(head)
    if description:
        raise ReferenceRejected(
            f"This looks like {description}, not {names}. Upload {names} recording (convert it first if it is audio)."
        )
    extensions = catalogue.formats_text(formats, as_extensions=True, article=True)
    raise ReferenceRejected(f"This file is not {names} recording. Upload {extensions} song.")


def _is_mpeg_audio_frame(head):
    """MPEG audio's frame sync; an AAC stream (ADTS) shares it but has 00 where MPEG names its layer."""
    return len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06 != 0


def _looks_like(head):
    """What a file that is not audio we read seems to be, from its first bytes; None when it is unknown."""
    if head[4:8] == b"ftyp":
        return "an MP4/M4A file"
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return "an AAC stream"
    for signature, description in KNOWN_SIGNATURES:
        if head.startswith(signature):
            return description
    return None


def measure_reference(uploaded_file, *, model_name=catalogue.DEFAULT_MODEL):
    """Check an uploaded reference against our upload limits and the model's rules (its formats,
    length and size: generation/catalogue.py); return what was measured, or raise ReferenceRejected."""
    size = uploaded_file.size
    max_bytes = settings.MUSICGEN_REFERENCE_MAX_MB * 1_000_000
    if size > max_bytes:
        raise ReferenceRejected(
            f"This file is {size / 1_000_000:.1f} MB; the reference must be at most "
            f"{settings.MUSICGEN_REFERENCE_MAX_MB} MB."
        )
    formats = catalogue.reference_formats(model_name)
    info = _measure(uploaded_file, formats=formats, max_seconds=settings.MUSICGEN_REFERENCE_MAX_SECONDS)
    _check_duration(info.duration)
    problem = catalogue.reference_problem(model_name, catalogue.ReferenceFacts(info.format, info.duration, size))
    if problem:
        raise ReferenceRejected(problem)
    _check_audible(info.peak_dbfs)
    return info


def measure_song(song_file):
    """Check that a downloaded song really is audio in a format we ask for (catalogue.AUDIO_FORMATS) and
    measure it."""
    return _measure(song_file, formats=catalogue.AUDIO_FORMATS)


def waveform_peaks(path, bins=800):
    """Peak levels (0..1) of `bins` equal slices of the song, for drawing a waveform without decoding it."""
    with soundfile.SoundFile(path) as decoder:
        frames_per_bin = max(1, decoder.frames // bins)
        peaks = []
        for block in decoder.blocks(blocksize=frames_per_bin, dtype="float32", always_2d=True):
            peaks.append(round(float(np.abs(block).max()), 3) if len(block) else 0.0)
    return peaks[:bins]


def _measure(audio_file, *, formats, max_seconds=None):
    size = audio_file.size
    if size == 0:
        raise ReferenceRejected("This file is empty.")
    audio_file.seek(0)
    head = audio_file.read(12)
    audio_format = sniff_format(head, formats)
    if audio_format == "wav":
        _check_wav_header(audio_file, size)
    audio_file.seek(0)
    decoded = _decode(audio_file, head, audio_format, formats, max_seconds)
    audio_file.seek(0)
    duration = round(decoded.frames / decoded.samplerate, 3)
    return AudioInfo(audio_format, duration, size, decoded.samplerate, decoded.channels, decoded.peak_dbfs)


@dataclass(frozen=True)
class _Decoded:
    frames: int
    samplerate: int
    channels: int
    peak_dbfs: float


def _decode(audio_file, head, audio_format, formats, max_seconds):
    """Decode every frame, so a truncated or corrupt file is caught now rather than by the generator.

    The decoder, not the first bytes, decides what the file holds. libsndfile never decodes past the
    frame count its header gives (an MP3's is its Xing tag or an estimate from the first frame), so a
    file whose header says it is too long is refused before decoding, and a small file cannot
    decode to hours. Frames are counted as read() returns them: soundfile's blocks() reports the
    header's count even for a file cut short. The peak is measured on the way: silence costs no
    second pass.
    """
    source = audio_file.temporary_file_path() if hasattr(audio_file, "temporary_file_path") else audio_file
    if isinstance(source, File) and getattr(source, "file", None) is not None:
        source = source.file
    try:
        with soundfile.SoundFile(source) as decoder:
            _check_decoded_format(decoder.format, head, audio_format, formats)
            _check_samplerate(decoder.samplerate)
            if max_seconds and decoder.frames > max_seconds * decoder.samplerate:
                _check_duration(decoder.frames / decoder.samplerate)
            frames, peak = 0, 0.0
            while len(block := decoder.read(DECODE_BLOCK_FRAMES, dtype="float32")):
                frames += len(block)
                peak = max(peak, float(np.abs(block).max()))
            if not frames:
                raise ValueError("no frames decoded")
            return _Decoded(frames, decoder.samplerate, decoder.channels, _dbfs(peak))
    except (soundfile.LibsndfileError, RuntimeError, ValueError) as exc:
        # The decoder's own text names file objects and internals: it goes to the log, not to the person.
        logger.info("an upload that starts like %s could not be decoded: %s", audio_format, exc)
        raise ReferenceRejected(_undecodable_sentence(audio_file, head, audio_format, formats)) from None


def _undecodable_sentence(audio_file, head, audio_format, formats):
    """Why a file could not be decoded: for an MP3 tag, what it wraps instead of MPEG audio."""
    if head.startswith(b"ID3"):
        wrapped = _after_id3_tag(audio_file)
        if not wrapped:
            return "This file holds only an MP3 tag (title, artist...) and no audio. Export the song again."
        description = _looks_like(wrapped)
        if description:
            return f"This file starts with an MP3 tag but holds {description}; upload {catalogue.formats_text(formats, article=True)}."
    return (
        f"This file starts like {audio_format.upper()} but could not be decoded. "
        "It may be damaged or cut short; export it again."
    )


def _after_id3_tag(audio_file):
    """The first bytes after an ID3v2 tag, whose size is four 7-bit bytes (plus 10 when a footer follows)."""
    audio_file.seek(5)
    flags, size_bytes = audio_file.read(1), audio_file.read(4)
    tag_size = 10 + sum(byte << (7 * (3 - index)) for index, byte in enumerate(size_bytes[:4]))
    if flags and flags[0] & ID3_FOOTER_FLAG:
        tag_size += 10
    audio_file.seek(tag_size)
    return audio_file.read(12)


def _check_decoded_format(decoded_format, head, audio_format, formats):
    if decoded_format in DECODED_FORMATS[audio_format]:
        return
    holds = DECODED_FORMAT_NAMES.get(decoded_format, decoded_format)
    starts = "with an MP3 tag" if head.startswith(b"ID3") else f"like {audio_format.upper()}"
    raise ReferenceRejected(
        f"This file starts {starts} but holds {holds} audio; upload {catalogue.formats_text(formats, article=True)}."
    )


def _check_samplerate(samplerate):
    if not SAMPLERATE_MIN <= samplerate <= SAMPLERATE_MAX:
        raise ReferenceRejected(
            f"This file says its sample rate is {samplerate:,} Hz; a recording has {SAMPLERATE_MIN:,} to "
            f"{SAMPLERATE_MAX:,} Hz (usually 44,100 or 48,000). The file is damaged: export it again."
        )


def _check_wav_header(audio_file, size):
    """What a WAV header claims, checked against the file, with a sentence for each lie.

    The decoder quietly reads a file whose header promises more audio than it holds, and refuses one
    without channels with no reason; reading the header ourselves lets us say which is wrong.
    """
    header = _wav_header(audio_file)
    if header is None:
        return  # no fmt/data chunks where expected: the decoder says it cannot read the file
    if header.channels == 0:
        raise ReferenceRejected(
            "This WAV file says it has no audio channels, so it holds no sound. Export it again as mono or stereo."
        )
    _check_samplerate(header.samplerate)
    present = size - header.data_offset
    if header.data_size in WAV_UNKNOWN_DATA_SIZES or header.data_size <= present or not header.block_align:
        return
    bytes_per_second = header.block_align * header.samplerate
    raise ReferenceRejected(
        f"This WAV file is cut short: its header announces {catalogue.minutes_text(header.data_size / bytes_per_second)} of "
        f"audio but the file holds {catalogue.minutes_text(max(present, 0) / bytes_per_second)}. It may not have finished "
        "exporting or copying; export it again."
    )


@dataclass(frozen=True)
class _WavHeader:
    channels: int
    samplerate: int
    block_align: int
    data_offset: int
    data_size: int


def _wav_header(audio_file):
    """The fmt chunk's channels, rate and frame size, and where the data chunk starts and how long it says it is."""
    audio_file.seek(12)
    fmt = None
    for _ in range(WAV_MAX_CHUNKS_BEFORE_DATA):
        chunk = audio_file.read(8)
        if len(chunk) < 8:
            return None
        chunk_id, chunk_size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
        if chunk_id == b"data":
            if fmt is None:
                return None
            return _WavHeader(*fmt, data_offset=audio_file.tell(), data_size=chunk_size)
        if chunk_id == b"fmt ":
            fields = audio_file.read(WAV_FMT_FIELDS_SIZE)
            if chunk_size < WAV_FMT_FIELDS_SIZE or len(fields) < WAV_FMT_FIELDS_SIZE:
                return None
            _, channels, samplerate, _, block_align = struct.unpack("<HHIIH", fields)
            fmt = (channels, samplerate, block_align)
            chunk_size -= WAV_FMT_FIELDS_SIZE
        audio_file.seek(chunk_size + chunk_size % 2, 1)  # chunks are padded to an even size
    return None


def _check_audible(peak_dbfs):
    if peak_dbfs == -math.inf:
        raise ReferenceRejected(
            "The reference is silent: every sample is zero. Upload the recording with its music and vocals."
        )
    if peak_dbfs < SILENCE_PEAK_DBFS:
        raise ReferenceRejected(
            f"The reference seems silent (its loudest moment is {peak_dbfs:.0f} dBFS). Upload a recording "
            "with audible music and vocals, or raise its volume."
        )


def _dbfs(peak):
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def _check_duration(duration):
    """Our own upload limit; each model's shortest and longest reference is checked by the catalogue."""
    maximum = settings.MUSICGEN_REFERENCE_MAX_SECONDS
    if duration > maximum:
        raise ReferenceRejected(
            f"This file is {catalogue.minutes_text(duration)} long; the reference must be at most {catalogue.minutes_text(maximum)}."
        )
