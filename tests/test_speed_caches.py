"""The on-disk caches of a single build (contratgen/cache.py): the template's lint verdict,
the compiled clause texts, the loaded clause library, the parsed data files. Each is keyed
by the content it is computed from: a changed template, clause file or data file is a new
key; a damaged entry is ignored and rewritten; ``CONTRATGEN_CACHE_DIR=off`` writes
nothing; cold, warm and disabled caches give the same bytes. Every build here is a real
``python -m contratgen build`` process, as a user runs it."""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from contratgen import cache
from contratgen.library.loader import SHIPPED
from contratgen.render.docx import SHIPPED_TEMPLATES
from conftest import ROOT, SAMPLES
from support.templates import edit_part, without_paragraph

NAMESPACES = {"lint", "clauses", "library", "data", "templates"}


def build(tmp_path: Path, cache_dir, client: Path = SAMPLES / "contract-b2b.yaml",
          *extra: str, out: str = "out") -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), HOME=str(tmp_path / "home"),
               XDG_CACHE_HOME=str(tmp_path / "xdg"), CONTRATGEN_CACHE_DIR=str(cache_dir))
    return subprocess.run([sys.executable, "-m", "contratgen", "build", str(client),
                           "--format", "docx", "-o", str(tmp_path / out), *extra],
                          cwd=ROOT, env=env, capture_output=True, text=True)


def docx_of(tmp_path: Path, out: str = "out") -> bytes:
    return (tmp_path / out / "CT-2026-0042.docx").read_bytes()


def body_text(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return re.sub(r"<[^>]+>", "", package.read("word/document.xml").decode("utf-8"))


def entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_cold_warm_and_disabled_caches_give_the_same_bytes(tmp_path):
    folder = tmp_path / "cache"
    cold = build(tmp_path, folder, out="cold")
    assert cold.returncode == 0, cold.stderr
    assert {p.parent.name for p in entries(folder)} >= NAMESPACES
    written = {p: p.read_bytes() for p in entries(folder) if p.parent.name in NAMESPACES}
    warm = build(tmp_path, folder, out="warm")
    off = build(tmp_path, "off", out="off")
    assert warm.returncode == 0 and off.returncode == 0
    assert docx_of(tmp_path, "cold") == docx_of(tmp_path, "warm") == docx_of(tmp_path, "off")
    assert {p: p.read_bytes() for p in entries(folder)
            if p.parent.name in NAMESPACES} == written   # the warm run only read


def test_off_writes_no_cache_anywhere(tmp_path):
    run = build(tmp_path, "off")
    assert run.returncode == 0, run.stderr
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "home").exists()
    assert not (ROOT / "off").exists()


def test_damaged_entries_are_ignored_and_rewritten(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    assert build(tmp_path, folder, out="first").returncode == 0
    damaged = entries(folder)
    for i, path in enumerate(damaged):
        data = bytearray(path.read_bytes())
        if i % 3 == 0:
            data = data[: len(data) // 2]          # truncated
        elif i % 3 == 1:
            data[-1] ^= 0xFF                        # one byte altered
        else:
            data = b"not a cache entry"
        path.write_bytes(bytes(data))
    again = build(tmp_path, folder, out="again")
    assert again.returncode == 0, again.stderr
    assert docx_of(tmp_path, "again") == docx_of(tmp_path, "first")
    fresh = build(tmp_path, "off", out="fresh")
    assert fresh.returncode == 0 and docx_of(tmp_path, "fresh") == docx_of(tmp_path, "first")
    # each damaged entry was recomputed and written whole again
    monkeypatch.setenv("CONTRATGEN_CACHE_DIR", str(folder))
    missing = object()
    load = {".marshal": cache.load_marshal, ".pickle": cache.load_pickle}
    assert all(load[p.suffix](p.parent.name, p.stem, missing) is not missing for p in damaged)


def test_a_changed_clause_file_is_read_again(tmp_path):
    """The library and the compiled text of a clause follow its file, even when the file
    keeps its size and modification time."""
    library = tmp_path / "library"
    library.mkdir()
    target = library / "governing_law.yaml"
    original = (SHIPPED / "governing_law.yaml").read_text("utf-8")
    assert "text:\n  fr: |\n" in original
    target.write_text(original.replace("text:\n  fr: |\n", "text:\n  fr: |\n    MARQUEALPHA\n", 1),
                      "utf-8")
    stamp = target.stat()
    folder = tmp_path / "cache"
    first = build(tmp_path, folder, SAMPLES / "contract-b2b.yaml", "--library", str(library),
                  out="first")
    assert first.returncode == 0, first.stderr
    assert "MARQUEALPHA" in body_text(docx_of(tmp_path, "first"))
    target.write_text(original.replace("text:\n  fr: |\n", "text:\n  fr: |\n    MARQUEBRAVO\n", 1),
                      "utf-8")
    os.utime(target, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    second = build(tmp_path, folder, SAMPLES / "contract-b2b.yaml", "--library", str(library),
                   out="second")
    assert second.returncode == 0, second.stderr
    text = body_text(docx_of(tmp_path, "second"))
    assert "MARQUEBRAVO" in text and "MARQUEALPHA" not in text


def test_a_clause_error_is_reported_the_same_with_a_warm_cache(tmp_path):
    library = tmp_path / "library"
    library.mkdir()
    original = (SHIPPED / "governing_law.yaml").read_text("utf-8")
    (library / "governing_law.yaml").write_text(
        original.replace("text:\n  fr: |\n", "text:\n  fr: |\n    {{ nom_inconnu }}\n", 1),
        "utf-8")
    folder = tmp_path / "cache"
    runs = [build(tmp_path, folder, SAMPLES / "contract-b2b.yaml", "--library", str(library))
            for _ in range(2)]
    assert [r.returncode for r in runs] == [1, 1]
    assert "nom_inconnu" in runs[0].stderr + runs[0].stdout
    assert runs[0].stdout + runs[0].stderr == runs[1].stdout + runs[1].stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def _with_template(tmp_path: Path) -> Path:
    text = (SAMPLES / "contract-b2b.yaml").read_text("utf-8")
    text = text.replace("  copies: 2\n", "  copies: 2\n  template: letterhead.docx\n", 1)
    client = tmp_path / "client.yaml"
    client.write_text(text, "utf-8")
    return client


def test_a_broken_template_is_refused_even_when_the_good_one_is_cached(tmp_path):
    """Issue 11 with a warm cache: the same path, now without ``{{p articles }}``, is an
    error located in client.yaml, and nothing is written."""
    client = _with_template(tmp_path)
    letterhead = tmp_path / "letterhead.docx"
    shutil.copyfile(SHIPPED_TEMPLATES / "contract.docx", letterhead)
    folder = tmp_path / "cache"
    good = build(tmp_path, folder, client, out="good")
    assert good.returncode == 0, good.stderr
    assert list((folder / "lint").iterdir())
    stamp = letterhead.stat()
    edit_part(SHIPPED_TEMPLATES / "contract.docx", letterhead, "word/document.xml",
              without_paragraph("{{p articles }}"))
    os.utime(letterhead, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    runs = [build(tmp_path, folder, client, out="broken") for _ in range(2)]   # cold, warm
    for run in runs:
        assert run.returncode == 1
        output = run.stdout + run.stderr
        assert "[template.slot]" in output
        line = client.read_text("utf-8").splitlines().index("  template: letterhead.docx") + 1
        assert re.search(rf"client\.yaml:{line}:\d+: error: this template cannot be used",
                         output)
    assert runs[0].stdout + runs[0].stderr == runs[1].stdout + runs[1].stderr
    assert not (tmp_path / "broken").exists() or not any((tmp_path / "broken").iterdir())


def test_yaml_data_follows_the_text_and_survives_a_damaged_entry(tmp_path, monkeypatch):
    monkeypatch.setenv("CONTRATGEN_CACHE_DIR", str(tmp_path))
    assert cache.yaml_data("fr: {total: Total}\n", "t") == {"fr": {"total": "Total"}}
    assert cache.yaml_data("fr: {total: Somme}\n", "t") == {"fr": {"total": "Somme"}}
    kept = entries(tmp_path / "data")
    assert len(kept) == 2
    for path in kept:
        path.write_bytes(path.read_bytes()[:-3])
    assert cache.yaml_data("fr: {total: Total}\n", "t") == {"fr": {"total": "Total"}}
    # a date is no marshal value: parsed every time, never kept, never wrong
    assert cache.yaml_data("day: 2026-03-01\n", "t") == {"day": __import__("datetime").date(
        2026, 3, 1)}
    assert len(entries(tmp_path / "data")) == 2


def test_keys_are_unambiguous():
    assert cache.key("ab", "c") != cache.key("a", "bc")
    assert cache.key(b"x") == cache.key("x")



def test_an_installed_package_is_keyed_by_its_init_without_being_imported():
    import hashlib
    import importlib.util
    from contratgen import cache
    origin = importlib.util.find_spec("docxtpl").origin
    assert cache.installed("docxtpl") == hashlib.sha256(open(origin, "rb").read()).hexdigest()
    assert cache.installed("no_such_package_for_contratgen") == "-"
    probe = ("import sys\nfrom contratgen import cache\ncache.installed('docxtpl')\n"
             "print('docxtpl' in sys.modules, 'importlib.metadata' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.split() == ["False", "False"], done.stderr
