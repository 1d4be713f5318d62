"""render(): from a reference recording and lyrics to a mixed, sung song on disk."""

import resource
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import soundfile

from generation.catalogue import MODELS

from . import accompaniment
from .analysis import Analysis, analyze_audio
from .arrangement import arrange
from .contour import reference_levels
from .encoding import write_song
from .errors import ReferenceTooShort, RenderCancelled, UnusableLyrics
from .lyrics import INSTRUMENTAL_SYLLABLES, PAUSE, lyric_parts
from .melody import SYLLABLE_SECONDS
from .mixing import master, produce_vocal
from .phonemes import syllables
from .planned import planned_analysis
from .reference import load_reference, to_rate
from .singing import Note, analyse_line, sing_line
from .song_plan import Part, melody_middle, plan_song
from .style import parse_style
from .tempo import BEATS_PER_BAR
from .voice import HIGHER_VOICE, LOWER_VOICE, load_voice

# The shortest reference any model takes (music-cover's 6 s). Each model's own limits (minimax-music's
# "longer than 15 s") are checked before a render, by the app and the local service, from the catalogue.
SHORTEST_REFERENCE_SECONDS = min(model.reference.min_seconds for model in MODELS.values() if model.reference)
RATE = accompaniment.OUTPUT_RATE
SPEAKING_THREADS = 2  # the voice model runs each line on one thread (engine/voice.py)


@dataclass
class RenderResult:
    duration: float  # seconds of the written song
    analysis: Analysis
    timings: dict  # stage -> wall seconds; "accompany" runs alongside "sing"
    cpu_seconds: dict  # stage -> CPU seconds of that stage's own work (what counts: _Stages)
    peak_memory_mb: dict  # stage -> the process's peak resident memory at the end of it
    sung_notes: list  # [start s, end s, MIDI] of every sung syllable, for measuring the singing
    voice: str  # which synthesiser and speaker sang, e.g. "kokoro jm_kumo"; "none" for an instrumental
    tempo: float  # the song's BPM: the reference's, or what the style asked for
    sections: list  # [tag, start s, end s] of every part of the song, in order
    style_words: list  # the words of the style prompt the engine acted on
    # Every sung line and its words as placed in the song: [{"text", "start", "end", "words":
    # [{"text", "start", "end"}]}] in seconds. Pauses, intro and outro are not lines; none in an instrumental.
    lyrics_timing: list

    def to_dict(self) -> dict:
        return asdict(self) | {"analysis": self.analysis.to_dict()}


class _Stages:
    """Runs the render's stages in order: asks should_stop before each, and measures each.

    Wall seconds, CPU seconds and peak memory per stage. A stage that runs alone is charged the CPU
    of the whole process (time.process_time), which includes its helper threads (the two speaking
    threads, numpy's BLAS). "accompany" runs while "sing" does, so each of those two is charged only
    the CPU of the thread that runs it (time.thread_time). So the stages' CPU adds up to about the
    render's, with no stage paying for another's (espeak-ng, the fallback voice, speaks in child
    processes, which are not counted)."""

    def __init__(self, should_stop=None):
        self.should_stop = should_stop
        self.timings = {}
        self.cpu_seconds = {}
        self.peak_memory_mb = {}

    def go_on(self) -> None:
        """Raise RenderCancelled if should_stop says so. Called only from the render's own thread."""
        if self.should_stop is not None and self.should_stop():
            raise RenderCancelled("cancelled")

    @contextmanager
    def stage(self, name: str):
        self.go_on()
        with self.measured(name):
            yield

    @contextmanager
    def measured(self, name: str, cpu_clock=time.process_time):
        started, cpu_started = time.perf_counter(), cpu_clock()
        yield
        self.timings[name] = round(time.perf_counter() - started, 3)
        self.cpu_seconds[name] = round(cpu_clock() - cpu_started, 3)
        self.peak_memory_mb[name] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def render(
    reference_path,
    lyrics: str,
    seed: int,
    out_path,
    stems_dir=None,
    *,
    style: str = "",
    grammar: str = "markers",
    instrumental: bool = False,
    cover: bool = False,
    audio_setting=None,
    should_stop=None,
) -> RenderResult:
    """Write the song to out_path; same inputs and seed, same bytes.

    reference_path: a recording to follow, or None to plan tempo, key and chords from the style and
    the seed. grammar: "markers" (minimax-music lyrics) or "sections" (tagged music-2.x lyrics).
    style: words that steer tempo, feel, instruments and voice (engine/style.py). instrumental: no
    voice. cover: keep the reference's tempo and chords bar by bar and follow its loudness over time.
    audio_setting: {"sample_rate", "bitrate", "format"}; None writes a 44.1 kHz MP3. should_stop: a
    callable asked before each stage; True stops the render there with RenderCancelled (only the
    last stage writes files)."""
    stages = _Stages(should_stop)
    wanted = parse_style(style)
    parts = lyric_parts(lyrics, grammar, instrumental)
    with stages.stage("analyze"):
        analysis, levels = _analyse(reference_path, wanted, seed, cover)
    speaker = HIGHER_VOICE if melody_middle(analysis, wanted.voice)[0] else LOWER_VOICE
    voice = None
    if not instrumental:
        with stages.stage("load voice"):
            voice = load_voice()
    with stages.stage("phonemize"):
        pronounced, sung_lines = _pronounce(parts, voice)
    with stages.stage("speak"):
        spoken = _speak_every_line(voice, speaker, sung_lines)
    with stages.stage("compose"):
        plan, band = _compose(
            analysis,
            wanted,
            _phrases(pronounced, spoken),
            seed,
            keep_analysed_tempo=cover or reference_path is None,
            whole_loops=grammar == "sections",
            reference_chords=cover,
        )
        sung_notes = [] if instrumental else _sung_notes(plan)
    dry_vocal, line_starts, band_audio = _sing_while_the_band_plays(stages, band, plan, spoken, sung_lines, sung_notes)
    with stages.stage("mix"):
        song = _mix(None if instrumental else dry_vocal, band_audio, levels)
    with stages.stage("write"):
        _write(song, out_path, audio_setting, stems_dir, dry_vocal, band_audio)
    return RenderResult(
        duration=round(len(song) / RATE, 3),
        analysis=analysis,
        timings=stages.timings,
        cpu_seconds=stages.cpu_seconds,
        peak_memory_mb=stages.peak_memory_mb,
        sung_notes=[[round(n.start, 4), round(n.end, 4), n.midi] for line in sung_notes for n in line],
        voice="none" if instrumental else f"{voice.name} {speaker}",
        tempo=plan.tempo,
        sections=[[tag, start, end] for tag, start, end in plan.part_spans()],
        style_words=wanted.words,
        lyrics_timing=_lyrics_timing(sung_lines, sung_notes, line_starts),
    )


def _analyse(reference_path, wanted, seed: int, cover: bool):
    """(analysis, the reference's loudness levels for a cover or None)."""
    if reference_path is None:
        if cover:
            raise ValueError("a cover needs a reference")
        return planned_analysis(wanted, seed), None
    reference = load_reference(reference_path)
    if reference.duration < SHORTEST_REFERENCE_SECONDS:
        raise ReferenceTooShort(
            f"the reference is {reference.duration:.1f} s long; it must be at least {SHORTEST_REFERENCE_SECONDS:g} s"
        )
    analysis = analyze_audio(reference)
    return analysis, reference_levels(reference_path, analysis.first_downbeat) if cover else None


def _speak_every_line(voice, speaker: str, sung_lines: list) -> list:
    """The AnalysedLine of every sung line, as the voice speaks it (none without a voice).

    The melody follows each line's rhythm as spoken, so the voice speaks every line (two at a time,
    in threads) before the song is composed."""
    with ThreadPoolExecutor(max_workers=SPEAKING_THREADS) as speaking:
        speak = None if voice is None else _speak_and_analyse(voice)
        return [future.result() for future in _speak_each_line_once(speaking, speak, speaker, sung_lines)]


def _compose(
    analysis, wanted, phrases: list, seed: int, *, keep_analysed_tempo: bool, whole_loops: bool, reference_chords: bool
):
    """(SongPlan, Band): the song's bars, chords and sung notes, and what the band plays over them.

    The tempo is the analysis's for a cover or a song planned from the style alone; otherwise the
    style may move the reference's (Style.tempo_for)."""
    tempo = analysis.tempo if keep_analysed_tempo else wanted.tempo_for(analysis.tempo)
    plan = plan_song(
        analysis,
        phrases,
        seed,
        tempo=tempo,
        voice=wanted.voice,
        whole_loops=whole_loops,
        reference_chords=reference_chords,
    )
    band = arrange(analysis, plan.bar_chords, plan.sections, BEATS_PER_BAR, np.random.default_rng([seed, 1]), wanted)
    return plan, band


def _sing_while_the_band_plays(stages: _Stages, band, plan, spoken: list, sung_lines: list, sung_notes: list):
    """(dry vocal, the song second each sung line starts, the band's audio), both tracks at RATE.

    FluidSynth plays the band in a thread of its own while the lines are sung (a silent vocal for an
    instrumental). should_stop is asked once, before the band starts, in this thread."""
    stages.go_on()
    song_seconds = plan.duration + accompaniment.RELEASE_SECONDS

    def accompany():
        with stages.measured("accompany", cpu_clock=time.thread_time):
            return accompaniment.play(band, plan.beat_seconds, song_seconds)

    with ThreadPoolExecutor(max_workers=1) as playing:
        band_playing = playing.submit(accompany)
        with stages.measured("sing", cpu_clock=time.thread_time):
            if not sung_notes:
                dry_vocal, line_starts = np.zeros(int(song_seconds * RATE), dtype=np.float32), []
            else:
                dry_vocal, line_starts = _sing(spoken, [found for _, _, found in sung_lines], sung_notes, song_seconds)
        band_audio = band_playing.result()
    return dry_vocal, line_starts, band_audio


def _mix(dry_vocal, band_audio, levels):
    """The mastered song: the produced vocal (None for an instrumental) over the band.

    The produced vocal is not kept in a name: master() lets it go once it is in the mix."""
    return master(None if dry_vocal is None else produce_vocal(dry_vocal, RATE), band_audio, RATE, levels)


def _write(song, out_path, audio_setting, stems_dir, dry_vocal, band_audio) -> None:
    """The song in the asked format, and, when stems_dir is given, vocals.wav and accompaniment.wav."""
    write_song(song, RATE, out_path, audio_setting)
    if stems_dir is None:
        return
    stems = Path(stems_dir)
    stems.mkdir(parents=True, exist_ok=True)
    soundfile.write(str(stems / "vocals.wav"), dry_vocal, RATE, subtype="PCM_16")
    soundfile.write(str(stems / "accompaniment.wav"), band_audio, RATE, subtype="PCM_16")


def _pronounce(parts: list, voice):
    """([(tag, items)] per lyric part, [(text, phonemes, syllables)] per sung line).

    An item is a sung line's syllables, PAUSE, or _UNSUNG: an instrumental's line, which takes its
    bars but has no voice to sing it. A line whose words gave no syllables (say, only symbols) is
    skipped."""
    pronounced, sung_lines = [], []
    for part in parts:
        items = []
        for line in part.lines:
            if line is PAUSE:
                items.append(PAUSE)
            elif voice is None:
                items.append(_UNSUNG)
            else:
                phonemes = voice.phonemize(line)
                found = syllables(phonemes)
                if found:
                    items.append(found)
                    sung_lines.append((line, phonemes, found))
        pronounced.append((part.tag, items))
    if voice is not None and not sung_lines:
        raise UnusableLyrics("no line of the lyrics could be pronounced; write words in Latin letters")
    return pronounced, sung_lines


_UNSUNG = "unsung"
# An instrumental's lines take the bars its syllables would, spoken at an even pace.
_UNSUNG_ONSETS = [number * SYLLABLE_SECONDS for number in range(INSTRUMENTAL_SYLLABLES)]


def _phrases(pronounced: list, spoken: list) -> list:
    """song_plan.Part per lyric part, each sung line timed by how it was spoken."""
    spoken_in_order = iter(spoken)
    parts = []
    for tag, items in pronounced:
        lines = []
        for item in items:
            if item is PAUSE:
                lines.append(None)
            elif item is _UNSUNG:
                lines.append(_UNSUNG_ONSETS)
            else:
                lines.append(next(spoken_in_order).vowel_onsets(item))
        parts.append(Part(tag, lines))
    return parts


def _speak_and_analyse(voice):
    def speak(text: str, phonemes: str, speaker: str):
        line = voice.speak(text, phonemes, speaker)
        return analyse_line(line.audio, line.rate, line.phonemes)

    return speak


def _speak_each_line_once(speaking, speak, speaker: str, sung_lines: list) -> list:
    """A future of AnalysedLine per sung line, from speak(text, phonemes, speaker); a line sung
    again (a chorus) is spoken once, as the voice gives the same samples for the same phonemes."""
    by_words = {}
    for text, phonemes, _ in sung_lines:
        if (text, phonemes) not in by_words:
            by_words[text, phonemes] = speaking.submit(speak, text, phonemes, speaker)
    return [by_words[text, phonemes] for text, phonemes, _ in sung_lines]


def _sung_notes(plan) -> list:
    """Per sung line, its notes in song seconds."""
    return [
        [
            Note(
                start=(line.first_beat + note.start_beat) * plan.beat_seconds,
                end=(line.first_beat + note.start_beat + note.length_beats) * plan.beat_seconds,
                midi=note.midi,
            )
            for note in line.notes
        ]
        for line in plan.sung_lines
    ]


def _sing(spoken: list, line_syllables: list, sung_notes: list, song_seconds: float):
    """The dry vocal track at RATE, every line sung on its notes and placed in the song, and the
    song second at which each line is heard to start (engine/singing.py sing_line).

    spoken: the AnalysedLine of every sung line."""
    voice_rate = spoken[0].rate
    track = np.zeros(int(song_seconds * voice_rate) + 1, dtype=np.float32)
    line_starts = []
    for line, found, notes in zip(spoken, line_syllables, sung_notes, strict=False):
        audio, start, heard_start = sing_line(line, found, notes)
        first = max(0, int(round(start * voice_rate)))
        piece = audio[: len(track) - first]
        track[first : first + len(piece)] += piece
        line_starts.append(max(first / voice_rate, heard_start))
    peak = np.abs(track).max()
    return to_rate(track / peak * 0.7 if peak > 0 else track, voice_rate, RATE), line_starts


def _lyrics_timing(sung_lines: list, sung_notes: list, line_starts: list) -> list:
    """RenderResult.lyrics_timing: every sung line and its words, in song seconds."""
    return [
        _line_timing(text, found, notes, start)
        for (text, _, found), notes, start in zip(sung_lines, sung_notes, line_starts, strict=False)
    ]


def _line_timing(text: str, line_syllables: list, notes: list, line_start: float) -> dict:
    """When a sung line and each of its words start and end, in song seconds.

    The line starts when it is heard to start and ends when its last (held) note does. A word starts where
    its first syllable's note does (the first word with the line) and ends with its last note.
    """
    # The phonemiser's words follow the text's (one syllable group per word); where it says a
    # word as several ("42" as "forty two") or joins two, the groups are shared out in order.
    groups = []
    for syllable, note in zip(line_syllables, notes, strict=True):
        if syllable.word_start or not groups:
            groups.append([])
        groups[-1].append(note)
    texts = text.split()
    words = []
    for number, word_text in enumerate(texts):
        first = number * len(groups) // len(texts)
        last = max(first, (number + 1) * len(groups) // len(texts) - 1)
        start = line_start if number == 0 else groups[first][0].start
        words.append({"text": word_text, "start": _seconds(start), "end": _seconds(groups[last][-1].end)})
    return {"text": text, "start": _seconds(line_start), "end": _seconds(notes[-1].end), "words": words}


def _seconds(value: float) -> float:
    return round(float(value), 3)
