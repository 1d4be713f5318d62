"""The short-time spectrum every analyser of the reference starts from."""

from dataclasses import dataclass

import numpy as np

FFT_SIZE = 2048
HOP = 512


@dataclass
class Spectrogram:
    magnitude: np.ndarray  # (frames, bins)
    frequencies: np.ndarray  # Hz of each bin
    frame_rate: float  # frames per second


def spectrogram(samples: np.ndarray, rate: int, fft_size: int = FFT_SIZE, hop: int = HOP) -> Spectrogram:
    padded = np.pad(samples, (fft_size // 2, fft_size // 2))
    frame_count = max(1, 1 + (len(padded) - fft_size) // hop)
    frames = np.lib.stride_tricks.sliding_window_view(padded, fft_size)[::hop][:frame_count]
    magnitude = np.abs(np.fft.rfft(frames * np.hanning(fft_size).astype(np.float32), axis=1))
    return Spectrogram(
        magnitude=magnitude.astype(np.float32),
        frequencies=np.fft.rfftfreq(fft_size, 1.0 / rate),
        frame_rate=rate / hop,
    )
