"""Playing the band's note events through a General MIDI SoundFont with FluidSynth."""

import os

import numpy as np

OUTPUT_RATE = 44100
SOUNDFONT_PATHS = (
    os.environ.get("MUSICGEN_SOUNDFONT", ""),
    "/usr/share/sounds/sf2/FluidR3_GM.sf2",  # Debian fluid-soundfont-gm
    "/usr/share/sounds/sf2/default-GM.sf2",
)
RELEASE_SECONDS = 2.0  # let the last notes and the reverb ring out


def soundfont_path() -> str:
    for path in SOUNDFONT_PATHS:
        if path and os.path.exists(path):
            return path
    raise RuntimeError(
        "no General MIDI SoundFont found; install Debian's fluid-soundfont-gm "
        "or point MUSICGEN_SOUNDFONT at an .sf2 file"
    )


def play(band, beat_seconds: float, duration: float) -> np.ndarray:
    """Stereo float32 audio at OUTPUT_RATE, duration seconds long.

    A fresh synthesizer per song: its reverb and voices carry state, and a reused one would
    make the same song come out differently the second time.
    """
    import fluidsynth  # loads libfluidsynth, which only the accompaniment needs

    synth = fluidsynth.Synth(samplerate=float(OUTPUT_RATE), gain=0.3)
    try:
        font = synth.sfload(soundfont_path())
        for channel, program in band.programs.items():
            synth.program_select(channel, font, 0, program)
        synth.program_select(9, font, 128, 0)
        synth.set_reverb(roomsize=0.5, damping=0.4, width=0.8, level=0.35)
        pieces = _perform(synth, band.events, beat_seconds, duration)
    finally:
        synth.delete()
    interleaved = np.concatenate(pieces).astype(np.float32) / 32768.0
    return interleaved.reshape(-1, 2)[: int(duration * OUTPUT_RATE)]


def _perform(synth, events, beat_seconds: float, duration: float) -> list:
    timeline = []
    for event in events:
        start = int(round(event.start_beat * beat_seconds * OUTPUT_RATE))
        end = int(round((event.start_beat + event.length_beats) * beat_seconds * OUTPUT_RATE))
        # Sort key: time, then offs before ons so a repeated note is re-struck cleanly.
        timeline.append((start, 1, event.channel, event.pitch, event.velocity))
        timeline.append((max(end, start + 1), 0, event.channel, event.pitch, 0))
    timeline.sort()
    pieces, now = [], 0
    for sample, is_on, channel, pitch, velocity in timeline:
        if sample > now:
            pieces.append(synth.get_samples(sample - now))
            now = sample
        if is_on:
            synth.noteon(channel, pitch, velocity)
        else:
            synth.noteoff(channel, pitch)
    remaining = int(duration * OUTPUT_RATE) - now
    if remaining > 0:
        pieces.append(synth.get_samples(remaining))
    return pieces or [np.zeros(2, dtype=np.int16)]
