"""The clean-up of dead runs looks only in the user's private run folder and trusts
nothing it finds there: no link followed, no file read past a few KB, no traceback."""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from contratgen import leftovers
from conftest import SAMPLES, needs_libreoffice
from support.accounts import other_account

DEAD = 999_999_999   # above any pid_max: never a live process


@pytest.fixture
def shared(monkeypatch, tmp_path):
    """A stand-in for /tmp: the system's temporary folder of this test."""
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def precious(folder: Path) -> Path:
    folder.mkdir()
    (folder / "keep.txt").write_text("not yours to delete")
    return folder


def test_what_another_account_plants_in_the_shared_temporary_folder_is_ignored(shared):
    # the names the clean-up used to trust in /tmp, whoever made them
    victim = precious(shared / "contratgen-precious")
    (shared / f"contratgen-tmp-{DEAD}-a").write_text(str(victim))
    planted = shared / f"contratgen-pdf-{DEAD}-b" / "worker0"
    planted.mkdir(parents=True)
    (planted / "profile-path").write_bytes(b"\xff\xfe")

    leftovers.remove_dead_runs()

    assert (victim / "keep.txt").exists()
    assert (planted / "profile-path").exists()


@pytest.mark.parametrize("kind", ["undecodable", "link to a victim", "fifo", "relative"])
def test_a_dead_run_is_removed_whatever_its_profile_path_holds(shared, kind):
    runs = leftovers.run_root()
    victim = precious(shared / "victim")
    home = runs / f"pdf-{DEAD}-x" / "worker0"
    home.mkdir(parents=True)
    note = home / "profile-path"
    if kind == "undecodable":
        note.write_bytes(b"\xff" * 10)
    elif kind == "link to a victim":
        note.symlink_to(victim / "keep.txt")
    elif kind == "fifo":
        os.mkfifo(note)   # reading it would block for ever
    else:
        note.write_text("../../victim")

    assert leftovers.remove_dead_runs() == 1

    assert not home.parent.exists()
    assert (victim / "keep.txt").read_text() == "not yours to delete"


def test_a_link_in_place_of_a_run_folder_or_a_note_is_not_followed(shared):
    runs = leftovers.run_root()
    victim = precious(shared / "victim")
    (runs / f"pdf-{DEAD}-x").symlink_to(victim)
    (runs / f"tmp-{DEAD}-y").symlink_to(victim / "keep.txt")
    other = precious(shared / "pymp-notours")
    (runs / f"tmp-{DEAD}-z").write_text(str(victim))   # a note naming a non-pymp folder

    leftovers.remove_dead_runs()

    assert (victim / "keep.txt").exists() and (other / "keep.txt").exists()


def test_a_note_of_a_dead_run_removes_its_multiprocessing_folder(shared):
    runs = leftovers.run_root()
    made = precious(shared / "pymp-abc123")
    (runs / f"tmp-{DEAD}-z").write_text(str(made))

    assert leftovers.remove_dead_runs() == 1

    assert not made.exists() and list(runs.iterdir()) == []


def test_a_huge_profile_path_file_is_not_read(shared):
    """The break: a 1.5 GB file read whole (36 s, 3.1 GB). Bounded here by memory: the
    clean-up runs under a 400 MB address-space limit next to a 2 GB (sparse) file."""
    runs = leftovers.run_root()
    home = runs / f"pdf-{DEAD}-x" / "worker0"
    home.mkdir(parents=True)
    with open(home / "profile-path", "wb") as huge:
        huge.truncate(2 * 1024 ** 3)
    limit = 400 * 1024 ** 2
    code = ("import resource, tempfile, sys; "
            f"resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit})); "
            f"tempfile.tempdir = {str(shared)!r}; "
            "from contratgen import leftovers; print(leftovers.remove_dead_runs())")
    env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "1" and not home.exists()


def test_a_multiprocessing_folder_of_another_account_is_not_removed(shared):
    with other_account() as uid:
        theirs = precious(shared / "pymp-theirs")
        os.chown(theirs, uid, uid)
        (leftovers.run_root() / f"tmp-{DEAD}-z").write_text(str(theirs))

        leftovers.remove_dead_runs()

        assert (theirs / "keep.txt").exists()


def test_the_run_folder_of_another_account_is_refused(shared):
    from contratgen.private import UnsafeFolder
    with other_account() as uid:
        runs = shared / f"contratgen-{os.getuid()}"
        runs.mkdir(mode=0o700)
        os.chown(runs, uid, uid)
        with pytest.raises(UnsafeFolder, match="another account"):
            leftovers.remove_dead_runs()
        with pytest.raises(UnsafeFolder, match="another account"):
            leftovers.new_run_dir()



AUDIT = """
import os
import sys
opened = []
def hook(event, args):
    if event == "open" and isinstance(args[0], str) \
            and os.path.basename(args[0]).startswith("facturx-"):
        opened.append(args[0])
sys.addaudithook(hook)
from contratgen.cli import main
try:
    main(sys.argv[1:])
finally:
    print("OPENED", opened, file=sys.stderr)
"""


@needs_libreoffice
def test_a_factur_x_invoice_writes_no_temporary_pdf(tmp_path):
    """factur-x's own entry point writes the PDF to /tmp/facturx-*.pdf, left there when
    the run is killed: the invoice is embedded in memory."""
    done = subprocess.run([sys.executable, "-c", AUDIT, "invoice", str(SAMPLES /
                           "contract-b2b-invoiced.yaml"), "-o", str(tmp_path / "out"),
                           "--number", "FA-2026-0107", "--format", "pdf"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "out" / "FA-2026-0107.pdf").stat().st_size > 0
    assert "OPENED []" in done.stderr
