"""Folder trees deeper than Python's recursion limit, for the tests that make them."""

from __future__ import annotations

import os


def make_deep(top, depth: int, name: str = "a") -> str:
    """``top/a/a/.../a``, ``depth`` folders, made one at a time (``mkdir(parents=True)`` and
    ``os.makedirs`` recurse); returns the deepest."""
    path = str(top)
    for _ in range(depth):
        path = os.path.join(path, name)
        os.mkdir(path)
    return path


def remove_deep(top) -> None:
    """Remove the tree at ``top`` without recursion (``shutil.rmtree`` recurses, and pytest's
    clean-up of old temporary folders with it)."""
    folders, todo = [], [str(top)]
    while todo:
        here = todo.pop()
        folders.append(here)
        with os.scandir(here) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    todo.append(entry.path)
                else:
                    os.unlink(entry.path)
    for folder in reversed(folders):
        os.rmdir(folder)
