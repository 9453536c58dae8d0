"""The history folder: one append-only file per device, ``history/<device>.jsonl``.

Each machine (each clone's ``.roadmap/``) appends only to its own file, so two machines that both
recorded progress change two different files and git merges them without a conflict and without
any configuration. A file is only ever appended to, one whole line per record, flushed and fsynced
before the store commits.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from ..errors import StoreError
from ..files import sync_dir
from ..workspace import Workspace

HISTORY_DIR = "history"
SUFFIX = ".jsonl"
DEVICE_FILE = "device"
TAIL = 4096  # bytes before the read offset whose hash says a file was appended to, not rewritten


def folder(ws: Workspace) -> Path:
    return ws.root / HISTORY_DIR


def device_name(ws: Workspace) -> str:
    """This clone's device: the host's name and a random part, kept in .roadmap/device (never
    committed), so two clones on one host, or a store rebuilt after a crash, never share a file."""
    path = ws.db_path.parent / DEVICE_FILE
    try:
        name = path.read_text(encoding="utf-8").strip()
        if re.fullmatch(r"[a-z0-9][a-z0-9-]{0,40}", name):
            return name
    except OSError:
        pass
    import socket

    host = re.sub(r"[^a-z0-9-]+", "-", socket.gethostname().lower()).strip("-")[:24] or "device"
    name = f"{host}-{os.urandom(3).hex()}"
    from ..files import atomic_write

    atomic_write(path, name + "\n")
    return name


def attach(db: sqlite3.Connection, ws: Workspace) -> None:
    """From now on, every change this connection commits is also appended to this device's file."""
    device = device_name(ws)
    db.writer = Writer(ws, device)
    db.device = device


class Moved(NamedTuple):
    """What the cheap check found: the history files, those whose size or time moved (or that are
    new) since the store read them, and those it read that are gone."""

    found: list[HistoryFile]
    moved: list[HistoryFile]
    gone: set[str]

    @property
    def any(self) -> bool:
        return bool(self.moved or self.gone)


def moved(db: sqlite3.Connection, ws: Workspace) -> Moved:
    """The cheap check every command makes: one directory listing and one query."""
    from ..store.records import file_marks

    found = files(ws)
    marks = file_marks(db)
    changed = [f for f in found if (m := marks.get(f.name)) is None or (m.size, m.mtime_ns) != (f.size, f.mtime_ns)]
    return Moved(found, changed, set(marks) - {f.name for f in found})


class HistoryFile(NamedTuple):
    name: str  # file name inside history/
    path: Path
    size: int
    mtime_ns: int

    @property
    def device(self) -> str:
        return self.name[: -len(SUFFIX)]


def files(ws: Workspace) -> list[HistoryFile]:
    """The history files, by name; only regular files are ever opened."""
    found = []
    try:
        entries = list(os.scandir(folder(ws)))
    except OSError:
        return []
    for entry in entries:
        if not entry.name.endswith(SUFFIX) or entry.name.startswith("."):
            continue
        try:
            # A link could lead anywhere (and a repair would replace it): only regular files.
            if entry.is_symlink() or not entry.is_file():
                continue
            st = entry.stat()
        except OSError:
            continue
        found.append(HistoryFile(entry.name, Path(entry.path), st.st_size, st.st_mtime_ns))
    return sorted(found)


def read_from(path: Path, offset: int) -> tuple[bytes, bytes]:
    """(the bytes from ``offset`` to the end, the TAIL bytes just before ``offset``)."""
    with open(path, "rb") as handle:
        start = max(0, offset - TAIL)
        handle.seek(start)
        data = handle.read()
    return data[offset - start :], data[: offset - start]


def tail_hash(data: bytes) -> str:
    from ..files import digest

    return digest(data[-TAIL:])


def append(path: Path, lines: list[str]) -> tuple[int, int, Callable[[], None]]:
    """Append whole lines and fsync; (size before, size after, how to take them back).

    A last line cut short by a crash is closed with a newline first, so it stays one bad line
    (reported, skipped) and never swallows the record written after it."""
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    created = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        before = os.fstat(fd).st_size
        if before:
            os.lseek(fd, before - 1, os.SEEK_SET)
            if os.read(fd, 1) != b"\n":
                data = b"\n" + data
        written = os.write(fd, data)
        if written != len(data):
            raise OSError(28, "short write")
        os.fsync(fd)
    except BaseException:
        _truncate(fd, path, locals().get("before"))
        os.close(fd)
        raise
    os.close(fd)
    if created:
        sync_dir(path.parent)

    def take_back() -> None:
        fd2 = os.open(path, os.O_RDWR)
        try:
            _truncate(fd2, path, before)
        finally:
            os.close(fd2)

    return before, before + len(data), take_back


def _truncate(fd: int, path: Path, size: int | None) -> None:
    if size is None:
        return
    try:
        os.ftruncate(fd, size)
        os.fsync(fd)
    except OSError:
        pass


class Writer:
    """Appends a transaction's records to this device's file, and notes in the store that it holds
    them and how far its own file was read: the next command reads nothing it wrote itself."""

    def __init__(self, ws: Workspace, device: str):
        self.ws = ws
        self.device = device
        self.path = folder(ws) / f"{device}{SUFFIX}"

    def __call__(self, db: sqlite3.Connection, records: list[dict]) -> Callable[[], None]:
        from ..store import records as store
        from .records import encode

        lines = [encode(r) for r in records]
        try:
            before, after, take_back = append(self.path, lines)
        except OSError as exc:
            raise StoreError(
                f"cannot write {self.ws.relative(self.path)} ({exc.strerror or exc}); nothing was changed",
                hint="check the free space and permissions of the history folder",
            ) from exc
        try:  # the store's own note of them; if it fails, the lines go too, as the change does
            store.mark(db, [(r["id"], r["at"], r["op"], self.device, None) for r in records])
            known = store.file_marks(db).get(self.path.name)
            if (known is not None and known.offset == before) or (known is None and before == 0):
                st = self.path.stat()
                _, tail = read_from(self.path, after)
                lines_before = known.lines if known else 0
                store.set_file_mark(
                    db,
                    store.FileMark(
                        self.path.name, st.st_size, st.st_mtime_ns, after, lines_before + len(lines), tail_hash(tail)
                    ),
                )
        except BaseException:
            take_back()
            raise
        return take_back


SET_ASIDE_DIR = "set-aside"


def set_aside(ws: Workspace) -> tuple[list[tuple[str, int]], Path]:
    """Move every line that is no record (cut short by a crash, mangled by a merge, not UTF-8) out
    of the history files into history/set-aside/, where nothing reads it and nothing is lost. A
    record a newer roadmap-tracker wrote stays. Returns the (file, line) moved and the folder."""
    from ..clock import file_stamp
    from ..files import atomic_write
    from .records import BadLine, parse

    where = folder(ws) / SET_ASIDE_DIR
    moved: list[tuple[str, int]] = []
    for f in files(ws):
        data = f.path.read_bytes()
        keep, bad = [], []
        for n, raw in enumerate(data.splitlines(keepends=True), start=1):
            try:
                if not raw.endswith(b"\n"):
                    raise BadLine("cut short")
                if raw.strip():
                    parse(raw.decode("utf-8"), f.device, n)
                keep.append(raw)
            except BadLine as exc:
                if exc.newer and raw.endswith(b"\n"):
                    keep.append(raw)
                    continue
                bad.append(raw if raw.endswith(b"\n") else raw + b"\n")
                moved.append((f"{HISTORY_DIR}/{f.name}", n))
            except UnicodeDecodeError:
                bad.append(raw if raw.endswith(b"\n") else raw + b"\n")
                moved.append((f"{HISTORY_DIR}/{f.name}", n))
        if bad:
            aside = where / f"{f.device}-{file_stamp()}.txt"
            aside.parent.mkdir(parents=True, exist_ok=True)
            with open(aside, "wb") as handle:  # kept first: a crash now loses nothing
                handle.write(b"".join(bad))
                handle.flush()
                os.fsync(handle.fileno())
            atomic_write(f.path, b"".join(keep).decode("utf-8", "surrogateescape"))
    return moved, where
