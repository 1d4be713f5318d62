"""How long checking a large upload takes, and how much memory: it must be bounded, not grow with the file.

The files are made in a temporary folder from the synthetic reference of bench/synthetic.py: a 50 MB MP3
(20 minutes at 320 kbit/s, the most a 50 MB MP3 can hold of music, so longer than the 10-minute
limit) and a 10-minute WAV (32 kHz mono, 38 MB: at 44.1 kHz stereo ten minutes are 106 MB, past
the 50 MB cap, and refused from the request's declared length before any of it is read).

Each is sent as the new-song form sends it (a multipart body) and read the way a request is:
Django's multipart parser with the project's FILE_UPLOAD_HANDLERS (plumbing/uploads.py's cap
first, then a temporary file), then checked by jobs/audio.py's measure_reference, which the
form's clean_reference_track calls. This runs in a fresh process whose peak resident memory is
reset just before (Linux's /proc/self/clear_refs), so the growth measured is the upload's alone.
The MP3 is measured twice: with the default limits (refused as too long, from its header) and
with MUSICGEN_REFERENCE_MAX_SECONDS raised so every frame of it is decoded.

    .venv/bin/python bench/uploads.py
"""

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import stack  # noqa: E402
from bench.report import Row, print_table  # noqa: E402

MP3_BYTES_PER_SECOND = 320_000 // 8
MP3_MINUTES = 20
WAV_SECONDS = 600
WAV_RATE = 32_000
BOUNDARY = "musicgenbenchboundary"
# Bounded: what reading and decoding in blocks holds at once, whatever the file's size.
GROWTH_TARGET_MB = 32


def make_mp3(path: Path, workdir: Path) -> None:
    """A 20-minute 320 kbit/s MP3 of just under 50 MB, from one encoded minute repeated frame for frame."""
    from bench.synthetic import write_reference

    minute_wav, minute_mp3 = workdir / "minute.wav", workdir / "minute.mp3"
    seconds = 50_000_000 / MP3_MINUTES / MP3_BYTES_PER_SECOND * 0.995
    write_reference(minute_wav, tempo=100.0, tonic=0, mode="major", seconds=seconds, singer_midi=64, seed=1)
    samples, rate = soundfile.read(str(minute_wav), dtype="float32")
    stereo = np.stack([samples, samples], axis=1)
    soundfile.write(str(minute_mp3), stereo, rate, format="MP3", compression_level=0.0, bitrate_mode="CONSTANT")
    encoded = minute_mp3.read_bytes()
    # The encoder's first frame is an Info header giving this minute's frame count; repeated, it would
    # tell the decoder the file is one minute long. Without it the length is read from the bit rate.
    padding = (encoded[2] >> 1) & 1
    info_frame_bytes = 144 * 320_000 // rate + padding  # MPEG-1 Layer III: 144 * bit rate / sample rate
    assert encoded[info_frame_bytes : info_frame_bytes + 2] == b"\xff\xfb", "not a 320 kbit/s MPEG-1 frame"
    with open(path, "wb") as mp3:
        for _ in range(MP3_MINUTES):
            mp3.write(encoded[info_frame_bytes:])


def make_wav(path: Path, workdir: Path) -> None:
    """A 10-minute 32 kHz mono 16-bit WAV, one synthetic minute repeated, written block by block."""
    from bench.synthetic import write_reference

    minute_wav = workdir / "minute-32k.wav"
    write_reference(minute_wav, tempo=100.0, tonic=9, mode="minor", seconds=60.0, singer_midi=57, seed=2, rate=WAV_RATE)
    samples, rate = soundfile.read(str(minute_wav), dtype="int16")
    with soundfile.SoundFile(str(path), "w", samplerate=rate, channels=1, subtype="PCM_16") as wav:
        for _ in range(WAV_SECONDS // 60):
            wav.write(samples)


def write_form_body(audio_path: Path, body_path: Path, content_type: str) -> None:
    """The multipart body the new-song form sends with this file, streamed to disk."""
    with open(body_path, "wb") as body, open(audio_path, "rb") as audio:
        body.write(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="reference_track"; filename="{audio_path.name}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
        )
        shutil.copyfileobj(audio, body, 1024 * 1024)
        body.write(f"\r\n--{BOUNDARY}--\r\n".encode())


def check_upload(body_path: str) -> dict:
    """In a fresh Django process: read the body as a request's and check the file, timing and measuring both."""
    import resource
    import time

    from django.conf import settings
    from django.core.files.uploadhandler import load_handler
    from django.http.multipartparser import MultiPartParser

    from jobs.audio import ReferenceRejected, measure_reference

    def rss_mb(field):
        line = next(line for line in open("/proc/self/status") if line.startswith(field))
        return int(line.split()[1]) / 1024

    size = os.path.getsize(body_path)
    meta = {"CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}", "CONTENT_LENGTH": str(size)}
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")  # the peak resident memory (VmHWM) starts again from what is resident now
    before_mb = rss_mb("VmRSS:")
    cpu_before, started = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    with open(body_path, "rb") as body:
        handlers = [load_handler(path) for path in settings.FILE_UPLOAD_HANDLERS]
        _, files = MultiPartParser(meta, body, handlers, "utf-8").parse()
        read = time.perf_counter()
        try:
            info = measure_reference(files["reference_track"])
            answer = f"accepted: {info.format}, {info.duration:.0f} s"
        except ReferenceRejected as rejected:
            answer = f"refused: {rejected}"
    checked = time.perf_counter()
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "answer": answer,
        "read_seconds": read - started,
        "check_seconds": checked - read,
        "cpu_seconds": cpu_after.ru_utime + cpu_after.ru_stime - cpu_before.ru_utime - cpu_before.ru_stime,
        "growth_mb": rss_mb("VmHWM:") - before_mb,
    }


def measure(quick: bool = False) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="musicgen-bench-uploads-") as folder:
        workdir = Path(folder)
        env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "musicgen.settings",
            "PYTHONPATH": str(stack.PROJECT_DIR),
            "MUSICGEN_VAR_DIR": str(workdir / "var"),
            "TMPDIR": str(workdir),  # the upload's temporary file goes with the rest
        }
        mp3, wav = workdir / "twenty-minutes.mp3", workdir / "ten-minutes.wav"
        make_mp3(mp3, workdir)
        make_wav(wav, workdir)
        cases = [
            ("MP3", mp3, "audio/mpeg", {}, "default limits"),
            ("MP3", mp3, "audio/mpeg", {"MUSICGEN_REFERENCE_MAX_SECONDS": "1800"}, "every frame decoded"),
            ("WAV", wav, "audio/wav", {}, "default limits"),
        ]
        rows = []
        for kind, path, content_type, limits, how in cases:
            body = workdir / f"{path.name}.body"
            write_form_body(path, body, content_type)
            result = stack.call_with_django(env | limits, "bench.uploads:check_upload", body_path=str(body))
            body.unlink()
            rows.append(_row(kind, path, how, result))
    return rows


def _row(kind: str, path: Path, how: str, result: dict) -> Row:
    info = soundfile.info(str(path))
    size_mb = path.stat().st_size / 1_000_000
    measured = f"{size_mb:.0f} MB {kind}, {info.duration / 60:.0f} min, {how}"
    growth = result["growth_mb"]
    value = (
        f"{result['read_seconds'] + result['check_seconds']:.2f} s (read {result['read_seconds']:.2f} s, "
        f"check {result['check_seconds']:.2f} s); peak RSS +{growth:.1f} MB"
    )
    met = growth <= GROWTH_TARGET_MB
    note = result["answer"][:90] + ("" if met else f"; {growth - GROWTH_TARGET_MB:.0f} MB over the bound")
    return Row("Uploads", measured, value, target=f"RSS growth <= {GROWTH_TARGET_MB} MB", met=met, note=note)


def main() -> None:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    print_table(measure())


if __name__ == "__main__":
    main()
