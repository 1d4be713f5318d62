"""A song's timed lyrics as an .lrc file."""


def lrc_text(title, lyrics_timing):
    """The timed lyrics in the LRC format karaoke players read: a [mm:ss.xx] tag before each sung line,
    and an empty tagged line where the last one ends, so players clear it instead of holding it."""
    tags = [f"[ti:{' '.join(title.split())}]"] if title else []
    tags += [f"[{_lrc_time(line['start'])}]{' '.join(line['text'].split())}" for line in lyrics_timing]
    tags.append(f"[{_lrc_time(lyrics_timing[-1]['end'])}]")
    return "\n".join(tags) + "\n"


def _lrc_time(seconds):
    hundredths = round(seconds * 100)
    return f"{hundredths // 6000:02d}:{hundredths % 6000 // 100:02d}.{hundredths % 100:02d}"
