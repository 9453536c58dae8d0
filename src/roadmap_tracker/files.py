"""Files: writing them so that a crash never leaves half of one behind, and telling whether one changed."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path


def atomic_write(path: Path, text: str | bytes | Iterable[str]) -> None:
    """Write to a temporary file beside ``path``, then rename it into place. Bytes are written as
    they are (a file kept byte for byte); text as UTF-8, whole or in pieces (a large export is
    written as it is made, never held whole)."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            for piece in (text,) if isinstance(text, (str, bytes)) else text:
                handle.write(piece if isinstance(piece, bytes) else piece.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def sync_dir(path: Path) -> None:
    """Make the renames and new files in a folder durable, as far as the file system allows."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def digest(data: bytes) -> str:
    """The SHA-256 of a file's bytes, to tell whether it changed."""
    import hashlib  # only once a file's size or time moved: most commands never hash anything

    return hashlib.sha256(data).hexdigest()
