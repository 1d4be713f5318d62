"""Small audio inputs made on the spot, for the cases the two real reference recordings do not cover."""

import io
import os
import struct
from pathlib import Path

import numpy as np
import soundfile

# The team's real reference recordings live beside the checkout (../shared/ref), never inside it.
SHARED_REF = Path(os.environ.get("MUSICGEN_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared")) / "ref"
REFERENCE_SONG = SHARED_REF / "acestep_test_track_001.mp3"  # 60.0 s, with vocals: accepted
SHORT_SUNG_CLIP = SHARED_REF / "diffrhythm_eg_cn.wav"  # 10.0 s: rejected as too short


def tone(seconds, *, samplerate=22050, channels=1, frequency=440.0):
    t = np.arange(int(seconds * samplerate)) / samplerate
    wave = 0.3 * np.sin(2 * np.pi * frequency * t)
    return np.repeat(wave[:, None], channels, axis=1) if channels > 1 else wave


def tone_wav(seconds, **kwargs):
    buffer = io.BytesIO()
    samplerate = kwargs.get("samplerate", 22050)
    soundfile.write(buffer, tone(seconds, **kwargs), samplerate, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def tone_mp3(seconds, **kwargs):
    buffer = io.BytesIO()
    samplerate = kwargs.get("samplerate", 22050)
    soundfile.write(buffer, tone(seconds, **kwargs), samplerate, format="MP3")
    return buffer.getvalue()


# --- broken and hostile files, built byte by byte ---------------------------------------------------

ID3_TAG = b"ID3\x04\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10  # an empty ID3v2.4 tag, as MP3 files start


def encoded(samples, samplerate, audio_format, **options):
    buffer = io.BytesIO()
    soundfile.write(buffer, samples, samplerate, format=audio_format, **options)
    return buffer.getvalue()


def flac(seconds):
    return encoded(tone(seconds), 22050, "FLAC")


def ogg(seconds):
    return encoded(tone(seconds), 22050, "OGG")


def quiet_wav(seconds, amplitude):
    """A tone at `amplitude` of full scale (0: digital silence)."""
    return encoded(tone(seconds) * (amplitude / 0.3), 22050, "WAV", subtype="PCM_16")


def long_mp3_from_few_bytes(seconds):
    """Minutes of audio in about 1 kB a second: 10 s at the lowest rate and bitrate, repeated."""
    ten_seconds = encoded(tone(10, samplerate=8000), 8000, "MP3", compression_level=0.99, bitrate_mode="CONSTANT")
    return ten_seconds * int(seconds // 10)


def wav_with_channels(wav, channels):
    return _patched(wav, wav.index(b"fmt ") + 10, "<H", channels)


def wav_with_samplerate(wav, samplerate):
    return _patched(wav, wav.index(b"fmt ") + 12, "<I", samplerate)


def wav_with_data_size(wav, data_size):
    """`wav` whose data chunk claims `data_size` bytes, whatever follows."""
    return _patched(wav, wav.index(b"data") + 4, "<I", data_size)


def wav_with_fmt_size(wav, fmt_size):
    """`wav` whose format chunk claims `fmt_size` bytes."""
    return _patched(wav, wav.index(b"fmt ") + 4, "<I", fmt_size)


def _patched(data, position, fmt, value):
    patched = bytearray(data)
    patched[position : position + struct.calcsize(fmt)] = struct.pack(fmt, value)
    return bytes(patched)
