"""Splitting a line's IPA phonemes (as espeak-ng writes them) into syllables."""

from dataclasses import dataclass

VOWELS = set("aeiouyɑɐɒæɔəɘɚɛɜɝɞɪʊʌɨʉøœɤɯɵɶʏᵻ")
LENGTH_MARK = "ː"
PRIMARY_STRESS = "ˈ"
SECONDARY_STRESS = "ˌ"
PAUSE_MARKS = set(",.!?;:—…")
SONORANTS = set("mnŋlɹwjɾɫ")
VOICED_OBSTRUENTS = set("bdgvðzʒʤ")


@dataclass
class Syllable:
    start: int  # index of its first phoneme in the line's phoneme string
    nucleus_start: int
    nucleus_end: int
    end: int  # one past its last phoneme
    word_start: bool


def is_vowel(symbol: str) -> bool:
    return symbol in VOWELS or symbol == LENGTH_MARK


def syllables(phonemes: str) -> list:
    """Syllables of every word, in order; spaces and punctuation belong to none."""
    found = []
    index = 0
    while index < len(phonemes):
        if phonemes[index] == " " or phonemes[index] in PAUSE_MARKS:
            index += 1
            continue
        word_end = index
        while word_end < len(phonemes) and phonemes[word_end] != " " and phonemes[word_end] not in PAUSE_MARKS:
            word_end += 1
        found.extend(_word_syllables(phonemes, index, word_end))
        index = word_end
    return found


def _word_syllables(phonemes: str, start: int, end: int) -> list:
    nuclei = []
    index = start
    while index < end:
        if is_vowel(phonemes[index]):
            nucleus_start = index
            while index < end and is_vowel(phonemes[index]):
                index += 1
            nuclei.append((nucleus_start, index))
        else:
            index += 1
    if not nuclei:
        return []
    boundaries = [start]
    for (_, previous_end), (next_start, _) in zip(nuclei, nuclei[1:], strict=False):
        boundaries.append(_split_cluster(phonemes, previous_end, next_start))
    boundaries.append(end)
    return [
        Syllable(boundaries[number], nucleus_start, nucleus_end, boundaries[number + 1], number == 0)
        for number, (nucleus_start, nucleus_end) in enumerate(nuclei)
    ]


def _split_cluster(phonemes: str, cluster_start: int, cluster_end: int) -> int:
    """Where the consonants between two vowels divide: at a stress mark if there is one,
    otherwise one consonant stays with the first syllable only when two or more stand between."""
    cluster = phonemes[cluster_start:cluster_end]
    for mark in (PRIMARY_STRESS, SECONDARY_STRESS):
        if mark in cluster:
            return cluster_start + cluster.index(mark)
    return cluster_start + (1 if len(cluster) >= 2 else 0)
