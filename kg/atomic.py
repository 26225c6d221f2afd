"""Write a set of files so that a reader never sees half of it, whatever kills the writer.

`replace_files` stages the new files in a fresh folder beside the target, fsyncs them, and
then swaps the staged folder with the target in one step (Linux `renameat2` with
RENAME_EXCHANGE), so the target holds either the whole old set or the whole new set. The
target stays a plain folder of plain files at its documented path; files in it that this
build does not write are carried over by hard link. Where the swap cannot be used (another
OS, a file system without it, a target that holds sub-folders, is a mount point or is the
working directory), each staged file replaces its old one by `os.replace`: every file is
then old-and-whole or new-and-whole.

A staging folder is named `.TARGET.kg-tmp-PID-*`: removed on success (by a process of its own
when the caller asks, `old_apart`) and on any Python exception, and a later write removes
those whose process is gone (left by a SIGKILL).
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from kg.errors import KgError, UsageError

_STAGING_MARK = ".kg-tmp-"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
MAX_SWAPPED_FILES = 1000  # a bigger folder is not an export folder: replace file by file


def replace_files(files: dict[str, bytes], target: Path) -> list[Path]:
    """Put every file of `files` (name -> content) into the folder `target`, all or nothing."""
    for name in files:
        check_name(name)

    def write(staging: Path) -> list[str]:
        for name, content in sorted(files.items()):
            _write_synced(staging / name, content)
        return sorted(files)

    return write_folder(write, target)


def write_folder(write: Callable[[Path], list[str]], target: Path, old_apart: bool = False) -> list[Path]:
    """Have `write` fill a fresh staging folder (it returns the names it wrote), then put those
    files into the folder `target`, all or nothing. Writers stream large files straight to the
    staging folder: no export is ever held in memory whole.

    `old_apart`: the files replaced are deleted by a process of their own, which this one does
    not wait for (`kg build`: a 100,000-term build replaces a gigabyte, 0.3 s to delete)."""
    target = Path(os.path.abspath(target))
    if target.is_symlink() or target.exists():
        target = target.resolve()
        if not target.is_dir():
            raise UsageError("the output path exists and is not a folder", path=str(target),
                             hint="choose another --out")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_abandoned_staging(target)
        staging = _make_staging(target)
    except OSError as error:
        raise KgError(f"cannot create the output folder: {error.strerror}", path=str(target),
                      hint="check the path and its permissions, or choose another --out") from None
    installed = False
    try:
        names = sorted(write(staging))
        for name in names:
            check_name(name)
            fsync_file(staging / name)
        _install(staging, target, names)
        installed = True
    except OSError as error:
        raise KgError(f"cannot write the exports: {error.strerror}",
                      path=str(error.filename or target),
                      hint="the previous exports are unchanged; free space or fix permissions") from None
    finally:
        # after a swap the staging folder holds the old set
        if not (installed and old_apart and _remove_apart(staging)):
            shutil.rmtree(staging, ignore_errors=True)
    return [target / name for name in names]


_REMOVE = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"
_removing: list[subprocess.Popen] = []  # reaped as later ones start: no process left a zombie


def _remove_apart(folder: Path) -> bool:
    """Have a process of its own delete `folder` (not waited for); False if it has no file or
    no process can be started. Left half-deleted (the machine stopped), it is removed by a
    later write: its name holds this process's id (remove_abandoned_staging)."""
    _removing[:] = [process for process in _removing if process.poll() is None]
    try:
        if not any(folder.iterdir()):
            return False
        # isolated (-I -S): no module of the working folder or of PYTHON* variables is run
        _removing.append(subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _REMOVE, str(folder)], cwd=folder.parent,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True))
    except OSError:
        return False
    return True


def write_text_atomically(path: Path, text: str) -> None:
    """Replace one text file by a whole new one (temp file beside it, fsync, rename)."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}{_STAGING_MARK}{os.getpid()}-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def check_name(name: str) -> None:
    # File names come from --name or a manifest: never let one climb out of the target folder.
    if not name or name in (".", "..") or re.search(r"[/\\\x00]", name):
        raise UsageError(f"export file name {name!r} is not a plain file name",
                         hint="give --name (or the manifest's name) without slashes")


def _make_staging(target: Path) -> Path:
    prefix = f".{target.name}{_STAGING_MARK}{os.getpid()}-"
    try:
        return Path(tempfile.mkdtemp(prefix=prefix, dir=target.parent))
    except PermissionError:
        if not target.is_dir():
            raise
        # A writable output folder inside a read-only one: stage inside it, replace file by file.
        return Path(tempfile.mkdtemp(prefix=prefix, dir=target))


def _install(staging: Path, target: Path, names: list[str]) -> None:
    if staging.parent != target.parent:
        _replace_each(staging, target, names)
    elif not target.exists():
        _set_folder_mode(staging, 0o777 & ~_umask())
        _fsync_folder(staging)
        try:
            os.rename(staging, target)
        except OSError as error:  # created meanwhile by someone else: fall back to replacing
            if error.errno not in (errno.EEXIST, errno.ENOTEMPTY) or not target.is_dir():
                raise
            _replace_each(staging, target, names)
    elif _swappable(target) and _same_owner(staging, target):
        _carry_over(target, staging, set(names))
        _set_folder_mode(staging, stat.S_IMODE(target.stat().st_mode))
        _fsync_folder(staging)
        if not _exchange(staging, target):
            _replace_each(staging, target, names)
    else:
        _replace_each(staging, target, names)
    _fsync_folder(target.parent)


def _replace_each(staging: Path, target: Path, names: list[str]) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        os.replace(staging / name, target / name)
    _fsync_folder(target)


def _swappable(target: Path) -> bool:
    """A flat folder of plain files that nobody is standing in: swapping it is invisible."""
    if os.path.ismount(target):
        return False
    try:
        cwd = Path.cwd().resolve()
    except OSError:  # the working folder was deleted: nobody can be standing in the target
        cwd = None
    if cwd is not None and (cwd == target or target in cwd.parents):
        return False
    entries = list(os.scandir(target))
    return len(entries) <= MAX_SWAPPED_FILES and all(
        entry.is_file(follow_symlinks=False) for entry in entries)


def _same_owner(staging: Path, target: Path) -> bool:
    """Give the staged folder the target's owner, or say it cannot be swapped in.

    A swap replaces the folder itself: without this, root building into alice's folder would
    leave her a folder she cannot write to.
    """
    wanted, staged = target.stat(), staging.stat()
    if (wanted.st_uid, wanted.st_gid) == (staged.st_uid, staged.st_gid):
        return True
    try:
        os.chown(staging, wanted.st_uid, wanted.st_gid)
    except OSError:
        return False
    return True


def _carry_over(target: Path, staging: Path, written: set[str]) -> None:
    """Files of the old folder this build does not write stay, linked rather than copied."""
    for entry in sorted(os.scandir(target), key=lambda e: e.name):
        if entry.name in written:
            continue
        try:
            os.link(entry.path, staging / entry.name)
        except OSError:
            shutil.copy2(entry.path, staging / entry.name)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders atomically; False where the OS or file system cannot."""
    # The standard library has no renameat2; glibc has had it since 2.28. No well-kept
    # package wraps it, and this is the whole of what one would do.
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):  # no C library to load (Windows), or too old
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                       _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EXDEV, errno.EPERM):
        return False
    raise OSError(code, os.strerror(code), str(second))


def remove_abandoned_staging(target: Path) -> list[Path]:
    """Remove staging folders and temp files of writers that no longer run (killed builds)."""
    removed = []
    pattern = re.compile(rf"^\.{re.escape(target.name)}{re.escape(_STAGING_MARK)}(\d+)-")
    places = [target.parent] + ([target] if target.is_dir() else [])
    for place in places:
        for entry in sorted(os.scandir(place), key=lambda e: e.name):
            match = pattern.match(entry.name)
            if not match or _process_alive(int(match.group(1))):
                continue
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def _write_synced(path: Path, content: bytes) -> None:
    with open(path, "xb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())


def fsync_file(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync_folder(folder: Path) -> None:
    # Makes the renames themselves durable; some systems cannot open a folder for this.
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _set_folder_mode(folder: Path, mode: int) -> None:
    os.chmod(folder, mode)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
