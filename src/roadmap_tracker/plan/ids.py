"""Stable ids derived from titles."""

from __future__ import annotations

import re
import unicodedata

MAX_SLUG = 48
_ASCII_RUN = re.compile(r"[^a-z0-9]+")
_WORD_RUN = re.compile(r"[^\w]+")
_LETTER = re.compile("[a-z]")
# Typed references like `3` or `3.p2`; an explicit id of that shape could never be reached.
POSITIONAL = re.compile(r"^\d+(\.[a-z]\d+)?$")


def slugify(text: str) -> str:
    """`Let's Build GPT from Scratch` -> `let-s-build-gpt-from-scratch`.

    Titles with no ASCII letters (a Chinese heading, say) keep their own word
    characters, so they still get a readable id.
    """
    if text.isascii():
        folded = text.lower()  # nothing to fold: what follows gives the same slug, and fast
    else:
        # Punctuation becomes a gap before accents are folded away, so `12–16` stays `12-16`.
        spaced = _WORD_RUN.sub(" ", text)
        folded = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode().lower()
    slug = _ASCII_RUN.sub("-", folded).strip("-")
    if not _LETTER.search(slug):
        slug = _WORD_RUN.sub("-", text.lower()).strip("-_") or slug
    if len(slug) > MAX_SLUG:
        cut = slug[:MAX_SLUG]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    if not slug:
        # A title of emoji or signs alone: a short hash of it, so two such titles never share an id.
        import hashlib

        slug = "item-" + hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:8] if text.strip() else "item"
    return slug


def unique(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``… whichever is not yet in ``taken`` (which it joins)."""
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key
