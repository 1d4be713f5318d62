"""Command line: `python -m engine analyze REFERENCE` and `python -m engine render ...`."""

import argparse
import json
import sys

from . import EngineError, analyze, render


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    analyze_command = commands.add_parser("analyze", help="print the analysis of a reference as JSON")
    analyze_command.add_argument("reference")
    render_command = commands.add_parser("render", help="sing lyrics over a song modelled on a reference")
    render_command.add_argument("reference", nargs="?", help="omit to plan the song from --style alone")
    render_command.add_argument("--lyrics", required=True, help="the lyrics; \\n separates lines")
    render_command.add_argument("--seed", type=int, default=0)
    render_command.add_argument("-o", "--output", required=True, help="the MP3 file to write")
    render_command.add_argument("--stems", help="a folder for vocals.wav and accompaniment.wav")
    render_command.add_argument("--style", default="", help='style words, e.g. "slow piano ballad, female vocal"')
    render_command.add_argument("--sections", action="store_true", help="the lyrics use [Verse]/[Chorus] tags")
    render_command.add_argument("--instrumental", action="store_true", help="no voice")
    render_command.add_argument("--cover", action="store_true", help="keep the reference's tempo, chords, loudness")
    render_command.add_argument("--sample-rate", type=int, help="16000, 24000, 32000 or 44100")
    render_command.add_argument("--bitrate", type=int, help="MP3 bitrate in bits per second")
    render_command.add_argument("--format", choices=("mp3", "wav"))
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "analyze":
            print(json.dumps(analyze(arguments.reference).to_dict(), indent=2))
        else:
            lyrics = arguments.lyrics.replace("\\n", "\n")
            setting = {"sample_rate": arguments.sample_rate, "bitrate": arguments.bitrate, "format": arguments.format}
            result = render(
                arguments.reference,
                lyrics,
                arguments.seed,
                arguments.output,
                arguments.stems,
                style=arguments.style,
                grammar="sections" if arguments.sections else "markers",
                instrumental=arguments.instrumental,
                cover=arguments.cover,
                audio_setting=setting if any(setting.values()) else None,
            )
            print(json.dumps({"duration": result.duration, "timings": result.timings}, indent=2))
    except EngineError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
