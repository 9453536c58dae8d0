"""Rebuilding a workspace from a JSON backup (``roadmap export --format json``), all or nothing.

The backup has been read and checked in full (``backup.read_backup``) before anything here runs.
A workspace is *empty* when its store is missing or holds no progress (no events, links, diary
entries, questions, answers or note records) and its notes folder holds no diary file that the
backup would change; only an empty workspace is restored into. Rows keep their ids, so exporting
the restored store gives the same bytes as the backup it came from.

Nothing is written in place until the whole restore is built aside, in a folder of its own on the
same file system (``.roadmap-restore-<pid>-<random>``), and then moved in by renames:

- into a directory that does not exist (with the store inside it, as usual), the folder itself is
  renamed into place, history file included: killed at any moment, the restore left nothing
  there or all of it;
- into one that exists (a workspace without progress, or a folder holding other files, perhaps
  the one the learner's shell is in, which a rename over it would pull away), roadmap.yaml goes
  in first, which brings no progress, then the store, whose rename is the moment the progress
  arrives, then the notes; the store's history records are written last, from the store. Killed
  before the store's rename, the directory is a workspace without progress, which every command
  takes and a new restore fills. Killed after it, every command takes the workspace and the next
  one writes the history; the notes still aside are moved in by the next restore, which finds
  the folder marked (just before the store's rename) and the store gone from aside.

A folder left by a killed restore is removed by the next restore (after moving in what a
committed one still held) and ignored by every other command.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..clock import file_stamp
from ..errors import NotEmpty
from ..files import atomic_write, digest, sync_dir
from ..store import backup as store
from ..store.backup import TABLES
from ..store.connection import checkpoint, connect, transaction
from ..workspace import BACKUPS_DIR, ROADMAP_FILE, STORE_DIR, Workspace, ignore_store
from .backup import Backup

ASIDE = "roadmap-restore-"  # in the name of what a restore builds aside, with its process id


@dataclass
class Restored:
    root: Path
    counts: dict[str, int]
    notes: int
    replaced_yaml: Path | None  # where a different roadmap.yaml that was there was kept


def restore(backup: Backup, root: Path, db_path: Path) -> Restored:
    """Build the workspace aside, then move it into ``root``, the store's progress arriving at once."""
    shown = root
    root, db_path = Path(os.path.abspath(root)), Path(os.path.abspath(db_path))
    _clear_leftovers(root, db_path)
    _refuse_what_is_no_file(backup, root, db_path)
    _refuse_progress(backup, root, db_path)
    # A new directory holding its store is renamed into place whole, its history file with it.
    whole = not os.path.lexists(root) and root in db_path.parents
    root.parent.mkdir(parents=True, exist_ok=True)
    if not whole:
        root.mkdir(exist_ok=True)
    aside = _make_aside(root.parent if whole else root, _prefix(root if whole else None))
    staged_db = aside / db_path.relative_to(root) if whole else _beside(db_path)
    replaced = None
    try:
        _write_files(backup, aside)
        if whole:
            ignore_store(aside)
            _build_store(staged_db, backup, Workspace(aside, staged_db))
            os.rename(aside, root)
        else:
            _build_store(staged_db, backup, None)
            replaced = _move_plan(backup, aside, root)
            _mark_committed(aside, backup.notes_dir)
            _put_store(staged_db, db_path)
            _move_notes(aside, root, backup.notes_dir)
            _write_history(root, db_path)
    finally:
        shutil.rmtree(aside, ignore_errors=True)  # gone already when it became the workspace
        for end in ("", "-wal", "-shm", "-journal"):
            staged_db.with_name(staged_db.name + end).unlink(missing_ok=True)
    return Restored(shown, {t: len(backup.tables[t]) for t in TABLES}, len(backup.notes), replaced)


# --- what may be restored into -------------------------------------------------------------------


def _refuse_progress(backup: Backup, root: Path, db_path: Path) -> None:
    from ..history.files import HISTORY_DIR, SUFFIX

    found = store.progress_in(db_path)
    history = [p for p in (root / HISTORY_DIR).glob(f"*{SUFFIX}") if p.is_file() and p.stat().st_size]
    if found and not _only_these_notes(db_path, found, backup):
        what = ", ".join(f"{n} {t} row{'s' * (n != 1)}" for t, n in found.items())
        raise NotEmpty(
            f"{root} already has progress ({what}); restore only fills an empty workspace",
            hint="restore into a new directory" + ("" if history else ", or move .roadmap/ away first"),
        )
    if history:
        raise NotEmpty(
            f"{root} already has progress in {HISTORY_DIR}/ ({len(history)} history "
            f"file{'s' * (len(history) != 1)}); restore only fills an empty workspace",
            hint="restore into a new directory",
        )
    notes_dir = root / backup.notes_dir
    for note in backup.notes:
        target = notes_dir / note["path"]
        if target.is_file() and target.read_bytes() != note["text"].encode("utf-8"):
            raise NotEmpty(
                f"{target} exists and differs from the backup's copy",
                hint="move it away first; the store would not match it",
            )


def _only_these_notes(db_path: Path, found: dict[str, int], backup: Backup) -> bool:
    """Whether all the store holds is the diary read back from the backup's own note files (put
    there by hand, or by an older restore that was killed), once a command has run. Restoring over
    it loses nothing."""
    if not set(found) <= {"entry", "entry_item", "question", "notefile"}:
        return False
    return store.note_paths_in(db_path) <= {note["path"] for note in backup.notes}


def _refuse_what_is_no_file(backup: Backup, root: Path, db_path: Path) -> None:
    """What a rename would fail on halfway, or carry out of the workspace: refused before anything
    is written."""
    inside = root.resolve()
    folder = root / backup.notes_dir
    wanted = [
        (root, "a directory", os.path.isdir),
        (root / ROADMAP_FILE, "a regular file", os.path.isfile),
        (folder, "a directory", os.path.isdir),
        (db_path, "a regular file", os.path.isfile),
        *((folder / note["path"], "a regular file", os.path.isfile) for note in backup.notes),
    ]
    for path, kind, is_kind in wanted:
        if os.path.lexists(path) and not is_kind(path):
            raise NotEmpty(f"{path} is not {kind}", hint="move it away first; nothing was written")
    for path in (folder, *(folder / note["path"] for note in backup.notes)):
        if os.path.lexists(path) and path.resolve() != inside and inside not in path.resolve().parents:
            raise NotEmpty(
                f"{path} leads outside {root} (to {path.resolve()})",
                hint="restore writes only inside the workspace; nothing was written",
            )


# --- building it aside ---------------------------------------------------------------------------


def _prefix(root: Path | None) -> str:
    """The name of a folder built aside: beside a new workspace (named after it), else inside one."""
    pid = f"{ASIDE}{os.getpid()}-"
    return f".{root.name}.{pid}" if root is not None else f".{pid}"


def _make_aside(folder: Path, prefix: str) -> Path:
    """A new folder of our own; made with mkdir, not mkdtemp, so that it takes the modes the umask
    gives (mkdtemp's 0700 would stay on the workspace it becomes)."""
    while True:
        path = folder / f"{prefix}{os.urandom(4).hex()}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


def _beside(db_path: Path) -> Path:
    """Where a store is built to be renamed onto ``db_path``: in its folder, so the same file system."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    return db_path.with_name(f".{db_path.name}.{ASIDE}{os.getpid()}-{os.urandom(4).hex()}")


def _write_files(backup: Backup, aside: Path) -> None:
    """roadmap.yaml and the notes, aside, each whole on disk before anything moves them in."""
    recorded = {r["path"]: r for r in backup.tables["notefile"]}
    folder = aside / backup.notes_dir
    folder.mkdir(parents=True, exist_ok=True)
    header = backup.tables["roadmap"][0]
    written = [_write(aside / ROADMAP_FILE, backup.roadmap_yaml, header, "source_hash", "source_mtime_ns")]
    written += [
        _write(folder / n["path"], n["text"], recorded.get(n["path"]), "hash", "mtime_ns") for n in backup.notes
    ]
    _sync_files(written)
    # Their names too, up to the folder aside: renames move in only what is on disk.
    for path in [folder, *folder.parents][: len(folder.relative_to(aside).parts) + 1]:
        sync_dir(path)


def _write(path: Path, text: str, record: dict | None, hash_field: str, mtime_field: str) -> Path:
    """Write a new file, not yet synced; when it is the very file the store recorded, give it back
    its recorded mtime, so the next command's cheap size-and-mtime check sees nothing to re-read.
    No temporary file: the folder aside is the restore's own, and nothing reads it until it is done."""
    data = text.encode("utf-8")
    with open(path, "xb") as handle:
        os.fchmod(handle.fileno(), 0o644)  # as atomic_write makes a file, whatever the umask
        handle.write(data)
    if record and record.get(hash_field) == digest(data) and record.get(mtime_field):
        os.utime(path, ns=(record[mtime_field], record[mtime_field]))
    return path


def _sync_files(paths: list[Path]) -> None:
    """fsync every file, many at once: one after another, each waits for a commit of the file
    system's journal (up to seconds for 2,600 notes on a busy disk); issued together, they share
    commits."""
    from concurrent.futures import ThreadPoolExecutor

    def sync(path: Path) -> None:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    with ThreadPoolExecutor(max_workers=min(16, len(paths))) as pool:
        list(pool.map(sync, paths))  # list(): the first error is raised here


def _build_store(path: Path, backup: Backup, ws: Workspace | None) -> None:
    """Every row in one transaction, with the records they make written to ``ws``'s history file;
    without ``ws``, the store is left with the task of writing them."""
    from ..history.files import attach
    from ..history.seed import records_for_rows

    db = connect(path)
    try:
        if ws is not None:
            attach(db, ws)
        with store.loading(db), transaction(db):
            store.replace_all(db, backup.tables)
            if ws is not None:
                records_for_rows(db)
            else:
                store.leave_history_task(db)
    finally:
        db.close()  # the last connection: SQLite folds the WAL into the file and removes it


# --- moving it in --------------------------------------------------------------------------------


def _move_plan(backup: Backup, aside: Path, root: Path) -> Path | None:
    """Into a directory that exists, before the store: roadmap.yaml (a different one kept first),
    which a command run now would only sync into a store without progress."""
    ignore_store(root)
    target = root / ROADMAP_FILE
    kept = None
    if target.is_file() and target.read_bytes() != backup.roadmap_yaml.encode("utf-8"):
        kept = root / STORE_DIR / BACKUPS_DIR / f"roadmap-{file_stamp()}-before-restore.yaml"
        atomic_write(kept, target.read_text(encoding="utf-8", errors="replace"))
    os.replace(aside / ROADMAP_FILE, target)
    sync_dir(root)
    return kept


# In a folder aside, written just before its store's rename: once the store has left its place
# beside db_path, the notes still here must follow it into the workspace.
COMMITTED = "committed"


def _mark_committed(aside: Path, notes_dir: str) -> None:
    """Say, before the store moves in, where the notes still aside belong: a restore killed after
    the store's rename is finished by the next one (``_clear_leftovers``)."""
    atomic_write(aside / COMMITTED, notes_dir + "\n")


def _move_notes(aside: Path, root: Path, notes_dir: str, *, keep_newer: bool = False) -> None:
    """The notes still aside, into the notes folder; ``keep_newer``: not over a note written since."""
    source = aside / notes_dir
    if not source.is_dir():
        return
    folder = root / notes_dir
    folder.mkdir(parents=True, exist_ok=True)
    for name in sorted(os.listdir(source)):
        if not (keep_newer and os.path.lexists(folder / name)):
            os.replace(source / name, folder / name)
    sync_dir(folder)


def _put_store(staged: Path, db_path: Path) -> None:
    """Rename the store built aside onto ``db_path``: the moment the progress arrives. A store that
    was there (without progress) is checkpointed first, so no journal of it is left to be read
    into the new one."""
    if db_path.exists():
        checkpoint(db_path)
    for end in ("-wal", "-shm", "-journal"):
        db_path.with_name(db_path.name + end).unlink(missing_ok=True)
    os.replace(staged, db_path)
    sync_dir(db_path.parent)


def _write_history(root: Path, db_path: Path) -> None:
    """The records of the restored rows, to this device's history file, in place."""
    from ..history.files import attach
    from ..history.seed import write_out

    db = connect(db_path)
    try:
        attach(db, Workspace(root, db_path))
        write_out(db)
    finally:
        db.close()


# --- what a killed restore left ------------------------------------------------------------------


def _clear_leftovers(root: Path, db_path: Path) -> None:
    """Remove what restores that were killed built aside: inside the directory, beside it, beside
    the store; after moving in the notes of one whose store was already in place. One still
    running (its process alive) is left alone."""
    for folder, prefix in (
        (root, f".{ASIDE}"),
        (root.parent, f".{root.name}.{ASIDE}"),
        (db_path.parent, f".{db_path.name}.{ASIDE}"),
    ):
        try:
            names = [name for name in os.listdir(folder) if name.startswith(prefix)]
        except OSError:
            continue
        for name in names:
            path = folder / name
            pid = name[len(prefix) :].split("-", 1)[0]
            if _running(pid):
                continue
            if folder == root and (path / COMMITTED).is_file() and not _store_left(db_path, pid):
                _finish(path, root)
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def _store_left(db_path: Path, pid: str) -> bool:
    """Whether the store that restore built is still aside: killed before its rename, it brought
    no progress, and its notes need not follow."""
    prefix = f".{db_path.name}.{ASIDE}{pid}-"
    try:
        names = os.listdir(db_path.parent)
    except OSError:
        return False
    return any(n.startswith(prefix) and not n.endswith(("-wal", "-shm", "-journal")) for n in names)


def _finish(aside: Path, root: Path) -> None:
    """Move in the notes a restore killed after its store's rename still held aside."""
    from .backup_values import notes_folder

    notes_dir = (aside / COMMITTED).read_text(encoding="utf-8").strip()
    if notes_folder(notes_dir) is None:  # our own file, but read back all the same
        _move_notes(aside, root, notes_dir, keep_newer=True)


def _running(pid: str) -> bool:
    if not pid.isdigit() or int(pid) == os.getpid():
        return False  # ours is only starting: one with our number was left by another process
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's, or unknowable: leave it
    return True
