"""A cover follows the reference's loudness over time: its quiet verses stay quiet and its loud
choruses loud. The reference's short-term level, read over the whole file from its first downbeat
(where the song's first bar falls), is the level the song's mix is steered to, hop by hop, before
mastering: the gain is what the reference's level asks for minus what the mix already has (its
singing and its rests), so the song's contour matches the reference's rather than adding to it."""

import numpy as np
import soundfile

HOP_SECONDS = 0.25
WINDOW_SECONDS = 1.0  # short-term, as loudness meters read it
DEEPEST_DIP_DB = 18.0  # passages quieter than this below the loud ones are held at it
MOST_BOOST_DB = 6.0  # a quiet moment of the mix (a rest) is raised by at most this much
LOUD_PERCENTILE = 90


def reference_levels(path, first_downbeat: float) -> np.ndarray:
    """The reference's level in dB every HOP_SECONDS from its first downbeat to its end, relative
    to its loud passages (0 dB)."""
    info = soundfile.info(str(path))
    hop = int(HOP_SECONDS * info.samplerate)
    start = int(first_downbeat * info.samplerate)
    energies = [
        float(np.mean(block**2))
        for block in soundfile.blocks(str(path), blocksize=hop, start=start, dtype="float32", always_2d=True)
    ]
    return _relative_levels(np.array(energies or [0.0]))


def follow_levels(mix: np.ndarray, levels: np.ndarray, rate: int) -> np.ndarray:
    """The stereo mix with a gain curve that moves its short-term level to `levels`; a song longer
    than the reference starts the reference's curve again."""
    hop = int(HOP_SECONDS * rate)
    hops = max(1, len(mix) // hop)
    energies = (mix[: hops * hop].reshape(hops, hop, -1) ** 2).mean(axis=(1, 2))
    own = _relative_levels(energies)
    wanted = levels[np.arange(hops) % len(levels)]
    gain_db = np.clip(wanted - own, -DEEPEST_DIP_DB, MOST_BOOST_DB)
    gain_db = np.convolve(np.pad(gain_db, 2, mode="edge"), np.ones(5) / 5, mode="valid")  # no steps
    centres = (np.arange(hops) + 0.5) * hop
    gain = 10 ** (np.interp(np.arange(len(mix)), centres, gain_db) / 20)
    return (mix * gain[:, None]).astype(np.float32)


def _relative_levels(energies: np.ndarray) -> np.ndarray:
    width = max(1, int(round(WINDOW_SECONDS / HOP_SECONDS)))
    smoothed = np.convolve(energies, np.ones(width) / width, mode="same")
    levels = 10 * np.log10(smoothed + 1e-10)
    return np.clip(levels - np.percentile(levels, LOUD_PERCENTILE), -DEEPEST_DIP_DB, 0.0)
