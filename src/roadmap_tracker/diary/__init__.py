"""The weekly diary: the note format, entries, the notes/ mirror, open questions and reflection answers."""
