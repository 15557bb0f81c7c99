"""Processes in tests: the CLI as a child process, a folder of inputs to batch, and a
process's descendants and command line read from /proc. Shared by the fault and
integrity tests."""
from __future__ import annotations

import sys
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent.parent / "samples"
CLI = [sys.executable, "-m", "contratgen.cli"]


def make_inputs(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = (SAMPLES / "contract-b2b.yaml").read_text()
    for i in range(count):
        (folder / f"c{i:03d}.yaml").write_text(
            text.replace("number: CT-2026-0042", f"number: CT-K-{i:03d}")
                .replace("unit_price: 650", f"unit_price: {650 + i}"))
    return folder


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def command_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def office_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (the launcher and soffice.bin)."""
    return [pid] + descendants(pid)


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
