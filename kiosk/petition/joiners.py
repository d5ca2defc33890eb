"""Zero-width joiners where Unicode gives them a meaning, and nowhere else.

U+200D ZERO WIDTH JOINER and U+200C ZERO WIDTH NON-JOINER are invisible, but in some places
they are part of how a word or a symbol is written: a Persian name needs the ZWNJ between two
letters that would otherwise join (می‌خواهم), a Malayalam or Devanagari conjunct is chosen with a
joiner after a virama, and 🏳️‍🌈 or 👩‍💻 are single emoji made of several joined by ZWJ. Anywhere
else a joiner only hides something (in an e-mail address, between Latin letters), so the form
strips it. The contexts kept are those of UAX #31 (Unicode Identifiers, section 2.3, A1, A2
and B) and UTS #51 (Unicode Emoji, ED-16 emoji ZWJ sequences):

- ZWNJ between a letter that joins on its left (Joining_Type L or D) and one that joins on its
  right (R or D), with transparent marks (T) between (A1);
- ZWNJ or ZWJ after a virama (Canonical_Combining_Class 9), with combining marks between, after
  a letter (A2, B);
- ZWJ between two emoji, each perhaps followed by VS16 or a skin-tone modifier (UTS #51).

A run of joiners keeps at most one. The character properties come from the `regex` package's
Unicode database (Python's `unicodedata` has no Joining_Type or emoji properties).
"""

from __future__ import annotations

import regex

ZWNJ = "\u200c"
ZWJ = "\u200d"
JOINERS = ZWNJ + ZWJ

_JOINS_LEFT = regex.compile(r"[\p{Joining_Type=Dual_Joining}\p{Joining_Type=Left_Joining}]")
_JOINS_RIGHT = regex.compile(r"[\p{Joining_Type=Dual_Joining}\p{Joining_Type=Right_Joining}]")
_TRANSPARENT = regex.compile(r"\p{Joining_Type=Transparent}")
_VIRAMA = regex.compile(r"\p{Canonical_Combining_Class=9}")
_MARK = regex.compile(r"\p{M}")
_LETTER = regex.compile(r"\p{L}")
_EMOJI = regex.compile(r"\p{Extended_Pictographic}")
_EMOJI_TRAIL = regex.compile(r"[\uFE0F\p{Emoji_Modifier}]")


def keep_meaningful_joiners(text: str) -> str:
    """`text` without the ZWJ and ZWNJ that Unicode gives no meaning where they stand."""
    if ZWNJ not in text and ZWJ not in text:
        return text
    out: list[str] = []
    for i, char in enumerate(text):
        kept_run = bool(out) and out[-1] in JOINERS  # a run of joiners keeps one at most
        if char not in JOINERS or (not kept_run and _meaningful(text, i)):
            out.append(char)
    return "".join(out)


def _meaningful(text: str, i: int) -> bool:
    # Joiners next to this one are left out: a run is judged as one.
    before, after = text[:i].rstrip(JOINERS), text[i + 1 :].lstrip(JOINERS)
    if _after_virama(before):
        return True
    if text[i] == ZWNJ:
        return _joins_across(before, after)
    return _between_emoji(before, after)


def _skip_back(text: str, end: int, pattern: regex.Pattern[str]) -> int:
    """The position before the run of `pattern` characters that ends at `end`."""
    while end and pattern.match(text[end - 1]):
        end -= 1
    return end


def _joins_across(before: str, after: str) -> bool:
    left = _skip_back(before, len(before), _TRANSPARENT)
    right = 0
    while right < len(after) and _TRANSPARENT.match(after[right]):
        right += 1
    return bool(
        left
        and right < len(after)
        and _JOINS_LEFT.match(before[left - 1])
        and _JOINS_RIGHT.match(after[right])
    )


def _after_virama(before: str) -> bool:
    """A letter, marks, a virama and perhaps more marks, just before."""
    end = len(before)
    while end and _MARK.match(before[end - 1]) and not _VIRAMA.match(before[end - 1]):
        end -= 1
    if not end or not _VIRAMA.match(before[end - 1]):
        return False
    end = _skip_back(before, end - 1, _MARK)
    return bool(end and _LETTER.match(before[end - 1]))


def _between_emoji(before: str, after: str) -> bool:
    end = _skip_back(before, len(before), _EMOJI_TRAIL)
    return bool(end and _EMOJI.match(before[end - 1]) and after and _EMOJI.match(after[0]))
