"""Writing the finished song in the rate, bitrate and format an audio_setting asks for.

The limits of audio_setting (which rates, which bitrates) are checked by the service before the
engine runs; here they are only carried out. libsndfile's MP3 encoder (LAME) takes a bitrate as a
"compression level" from 0 (the highest bitrate of the MPEG version) to 1 (the lowest), and picks
the nearest bitrate MP3 allows.
"""

import soundfile

from .reference import to_rate

DEFAULT_SETTING = {"sample_rate": 44100, "bitrate": 256000, "format": "mp3"}
# (lowest, highest) CBR bitrate in kbps that LAME maps compression levels onto: MPEG-1 at 32 kHz
# and above, MPEG-2 below (which tops out at 160 kbps).
MPEG_BITRATES_KBPS = {"mpeg-1": (32, 320), "mpeg-2": (8, 160)}
HIGHEST_COMPRESSION_LEVEL = 0.999  # libsndfile refuses exactly 1.0


def write_song(song, rate: int, out_path, audio_setting=None) -> None:
    """Write a stereo float song at `rate`. Without an audio_setting, a 44.1 kHz MP3 at LAME's own
    default quality, as the engine always wrote."""
    if audio_setting is None:
        soundfile.write(str(out_path), song, rate, format="MP3")
        return
    setting = DEFAULT_SETTING | {key: value for key, value in audio_setting.items() if value is not None}
    out_rate = int(setting["sample_rate"])
    audio = to_rate(song, rate, out_rate)
    if setting["format"] == "wav":
        soundfile.write(str(out_path), audio, out_rate, format="WAV", subtype="PCM_16")
        return
    soundfile.write(
        str(out_path),
        audio,
        out_rate,
        format="MP3",
        bitrate_mode="CONSTANT",
        compression_level=compression_level(int(setting["bitrate"]), out_rate),
    )


def compression_level(bitrate: int, sample_rate: int) -> float:
    low, high = MPEG_BITRATES_KBPS["mpeg-1" if sample_rate >= 32000 else "mpeg-2"]
    kbps = min(high, max(low, bitrate / 1000))
    return min(HIGHEST_COMPRESSION_LEVEL, (high - kbps) / (high - low))
