"""English left on a French page, judged against the French catalogue that
Django loads (ours and Django's own, for the admin).

A text of the page is untranslated when it is an English msgid whose French
differs ("Add to cart" on a French page), or reads as one with its
placeholders filled in ("3 in stock", "by Atelier Claire"). Msgids whose
French is the same word ("Photos", "Total") cannot tell, nor can those with
no words of their own ("%(amount)s €").
"""

import functools
import re
from dataclasses import dataclass

from django.utils.translation import trans_real

# %(name)s, %s, %d, %(count)d, {name}, {} ; and HTML tags inside blocktranslate.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfi]|%[sdfi]|\{\w*\}")
TAG = re.compile(r"<[^>]+>")
WORD = re.compile(r"[A-Za-z]{2,}")
# A word of its own: not glued to a placeholder ("{}rd" of an ordinal is none).
OWN_WORD = re.compile(r"(?<![\w\x00])[A-Za-z]{2,}(?![\w\x00])")


@dataclass(frozen=True)
class Catalogue:
    exact: dict[str, str]  # English -> French
    patterns: re.Pattern | None  # any English with its placeholders filled
    each: tuple[tuple[re.Pattern, str, str], ...]  # (pattern, English, French)

    def french_of(self, text: str) -> tuple[str, str] | None:
        """(msgid, msgstr) that ``text`` is the English of, or None."""
        if text in self.exact:
            return text, self.exact[text]
        if self.patterns is None or not self.patterns.fullmatch(text):
            return None
        for pattern, english, french in self.each:
            if pattern.fullmatch(text):
                return english, french
        return None


def _normal(text: str) -> str:
    return " ".join(text.split())


@functools.cache
def french_catalogue() -> Catalogue:
    """The English msgids of the French catalogue whose French differs."""
    exact = {}
    patterns = {}
    for key, french in trans_real.translation("fr")._catalog.items():
        if isinstance(key, tuple):
            # Plural forms: the singular msgid against the French singular
            # ("%(count)d minute" is French too).
            if key[1] != 0:
                continue
            key = key[0]
        msgid = key
        msgid = msgid.split("\x04", 1)[-1]  # pgettext: "context\x04msgid"
        if not msgid or _normal(french) == _normal(msgid):
            continue
        english = _normal(TAG.sub("", msgid))
        if not OWN_WORD.search(PLACEHOLDER.sub("\x00", english)):
            continue
        if PLACEHOLDER.search(english):
            parts = PLACEHOLDER.split(english)
            pattern = ".+?".join(re.escape(part) for part in parts)
            patterns.setdefault(pattern, (english, _normal(french)))
        else:
            exact.setdefault(english, _normal(french))
    combined = re.compile("|".join(f"(?:{p})" for p in sorted(patterns)))
    return Catalogue(
        exact=exact,
        patterns=combined if patterns else None,
        each=tuple(
            (re.compile(pattern), english, french)
            for pattern, (english, french) in sorted(patterns.items())
        ),
    )


def untranslated(texts, *, names=frozenset(), sentences=()) -> list[tuple[str, str]]:
    """The texts (of a French page) that are English of the catalogue, each
    with the French it should have read as (its msgstr).

    User content is not judged: a text equal to one of ``names`` (usernames,
    shop names, titles, variants), or holding one of ``sentences`` (what
    people wrote: messages, comments, descriptions)."""
    catalogue = french_catalogue()
    found = []
    for raw in texts:
        text = _normal(raw)
        if not WORD.search(text) or text in names:
            continue
        if any(sentence in text for sentence in sentences):
            continue
        match = catalogue.french_of(text)
        if match is not None:
            found.append((text, match[1]))
    return sorted(set(found))
