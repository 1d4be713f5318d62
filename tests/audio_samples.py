"""Small audio inputs made on the spot, for the cases the two real reference recordings do not cover."""

import io
import os
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
