"""ZWJ and ZWNJ in what a supporter types: kept where Unicode gives them a meaning (a Persian
name, an Indic conjunct, an emoji ZWJ sequence), stripped everywhere else (issue 11, item 6).

The character classes here come from the Unicode database through `regex`, as the form's do,
but the contexts are built from the standards' own examples and rules, not from the form's code.
"""

from __future__ import annotations

import itertools
import sys

import pytest
import regex
from hypothesis import example, given
from hypothesis import strategies as st

from kiosk.petition.form import normalise

ZWJ, ZWNJ = "\u200d", "\u200c"


def _chars(pattern: str, lo: int = 0, hi: int = sys.maxunicode) -> list[str]:
    compiled = regex.compile(pattern, regex.V1)
    return [chr(cp) for cp in range(lo, hi + 1) if compiled.fullmatch(chr(cp))]


# Arabic-script letters that join on both sides (Persian yeh, beh, khah, heh ...), and those that
# join only to the letter before them (alef, dal, reh, waw ...), from the Arabic block.
DUAL = _chars(r"[\p{Joining_Type=Dual_Joining}&&\p{L}]", 0x0620, 0x06FF)
RIGHT_ONLY = _chars(r"[\p{Joining_Type=Right_Joining}&&\p{L}]", 0x0620, 0x06FF)
HARAKAT = ["\u064e", "\u064f", "\u0650", "\u0651"]  # fatha, damma, kasra, shadda: transparent
EMOJI = _chars(r"\p{Extended_Pictographic}", 0x1F300, 0x1FAFF)
SKIN_TONES = [chr(cp) for cp in range(0x1F3FB, 0x1F400)]
DEVANAGARI_CONSONANTS = _chars(r"\p{Lo}", 0x0915, 0x0939)
VIRAMA = "\u094d"

arabic_word = st.lists(st.sampled_from(DUAL), min_size=1, max_size=6).map("".join)
emoji_element = st.tuples(st.sampled_from(EMOJI), st.sampled_from(["", "\ufe0f", *SKIN_TONES])).map(
    "".join
)
# Text in which no joiner can mean anything: Latin letters, digits, spaces, punctuation.
plain = st.text(
    alphabet=st.characters(categories=["Lu", "Ll", "Nd", "Zs", "Po"], max_codepoint=0x24F),
    max_size=20,
)


@given(
    words=st.lists(arabic_word, min_size=2, max_size=4), marks=st.lists(st.sampled_from(HARAKAT))
)
@example(words=["می", "خواهم"], marks=[])  # Persian "I want": ZWNJ after ی
def test_a_zwnj_between_joining_letters_is_kept(words: list[str], marks: list[str]) -> None:
    # The harakat are transparent: a ZWNJ after a vowel mark still stands between two letters.
    first, *rest = words
    text = ZWNJ.join([first + "".join(marks), *rest])
    assert normalise(text).count(ZWNJ) == len(words) - 1


@given(word=arabic_word, letter=st.sampled_from(RIGHT_ONLY))
def test_a_zwnj_after_a_letter_that_cannot_join_onwards_is_stripped(word: str, letter: str) -> None:
    # Alef and its kind never join to the next letter: a ZWNJ after them changes nothing.
    assert ZWNJ not in normalise(word + letter + ZWNJ + word)


@given(
    elements=st.lists(emoji_element, min_size=2, max_size=4),
)
@example(elements=["\U0001f3f3\ufe0f", "\U0001f308"])  # rainbow flag
@example(elements=["\U0001f469", "\U0001f4bb"])  # woman technologist
@example(elements=["\U0001f468\U0001f3fd", "\U0001f91d", "\U0001f468\U0001f3fb"])
def test_an_emoji_zwj_sequence_is_kept_whole(elements: list[str]) -> None:
    sequence = ZWJ.join(elements)
    assert normalise(f"Ana {sequence}") == f"Ana {sequence}"


@given(consonants=st.lists(st.sampled_from(DEVANAGARI_CONSONANTS), min_size=2, max_size=2))
@pytest.mark.parametrize("joiner", [ZWJ, ZWNJ])
def test_a_joiner_after_a_virama_is_kept(consonants: list[str], joiner: str) -> None:
    # क्‍ष: the joiner after the virama picks the half form instead of the conjunct.
    text = consonants[0] + VIRAMA + joiner + consonants[1]
    assert normalise(text) == text


@given(text=plain, joiners=st.lists(st.sampled_from([ZWJ, ZWNJ]), min_size=1), data=st.data())
@example(text="zoe.obriain@example.org", joiners=[ZWJ], data=None)
def test_a_joiner_with_no_meaning_where_it_stands_is_stripped(
    text: str, joiners: list[str], data: st.DataObject | None
) -> None:
    spots = [data.draw(st.integers(0, len(text))) for _ in joiners] if data else [3] * len(joiners)
    for spot, joiner in zip(sorted(spots, reverse=True), joiners, strict=True):
        text = text[:spot] + joiner + text[spot:]
    out = normalise(text)
    assert ZWJ not in out and ZWNJ not in out


@given(
    pieces=st.lists(
        st.sampled_from(
            [ZWJ, ZWNJ, "a", " ", "\U0001f308", "\ufe0f", "\u0628", "\u0627", "\u064e", "\u0301"]
        ),
        max_size=20,
    ),
    multiline=st.booleans(),
)
@example(pieces=["a", ZWJ, "\u0301"], multiline=False)  # once stripped, a and its accent compose
def test_joiners_kept_are_never_doubled_never_at_an_edge_and_stay_put(
    pieces: list[str], multiline: bool
) -> None:
    """(Without a virama: a Malayalam chillu is written with a ZWJ after one at a word's end.)"""
    out = normalise("".join(pieces), multiline=multiline)
    assert normalise(out, multiline=multiline) == out  # what is kept, is kept again
    assert not out.startswith((ZWJ, ZWNJ)) and not out.endswith((ZWJ, ZWNJ))
    for a, b in itertools.pairwise(out):
        assert not (a in ZWJ + ZWNJ and b in ZWJ + ZWNJ)
        assert not (a in ZWJ + ZWNJ and b in " a") and not (b in ZWJ + ZWNJ and a in " a")
