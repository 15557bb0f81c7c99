"""``diff`` on hostile or huge inputs: long changed paragraphs cost near-linear work (a
cap that says what it did beyond), a FIFO or a device is refused without blocking, a
part with a DOCTYPE is a refusal naming the file and the rule (``inspect`` too)."""
from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import zipfile

import pytest
from click.testing import CliRunner

from conftest import SAMPLES
from contratgen.cli import main
from contratgen.redline import accept_all, compare, paragraph_texts, reject_all
from contratgen.redline.matching import Matcher

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CORE = ('<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats'
        '.org/package/2006/metadata/core-properties"/>')
DOCTYPE = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'


def docx(*paragraphs: str, parts: dict[str, str] | None = None) -> bytes:
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{p}</w:t></w:r></w:p>'
                   for p in paragraphs)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8"?>'
                         f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>')
        for name, text in (parts or {}).items():
            archive.writestr(name, text)
    return out.getvalue()


def changed_words(n: int, vocabulary: int, share: float, seed: int = 1):
    rng = random.Random(seed)
    old = [f"mot{rng.randrange(vocabulary)}" for _ in range(n)]
    new = [w if rng.random() > share else f"x{w}" for w in old]
    return " ".join(old), " ".join(new)


# --- bounded work ------------------------------------------------------------------------

class Counted(str):
    """A token that counts how often it is compared."""
    calls = 0

    def __eq__(self, other):
        Counted.calls += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__


@pytest.mark.parametrize("n", [2_000, 20_000])
def test_matching_a_long_changed_sequence_compares_each_token_a_bounded_number_of_times(n):
    old, new = changed_words(n, vocabulary=n // 4, share=0.3)
    a = [Counted(t) for t in old.split()]
    b = [Counted(t) for t in new.split()]
    Counted.calls = 0
    ops = Matcher(a, b).get_opcodes()
    # difflib alone compares pairs: ~n² / vocabulary; here a few times n per level
    assert Counted.calls < 60 * n, Counted.calls
    assert sum(i2 - i1 for tag, i1, i2, *_ in ops if tag == "equal") > 0.5 * n


def test_opcodes_rebuild_both_sides():
    old, new = changed_words(5_000, vocabulary=1_000, share=0.2, seed=7)
    a, b = old.split(), new.split()
    rebuilt_a, rebuilt_b = [], []
    for tag, i1, i2, j1, j2 in Matcher(a, b).get_opcodes():
        rebuilt_a += a[i1:i2]
        rebuilt_b += b[j1:j2]
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
    assert (rebuilt_a, rebuilt_b) == (a, b)


CPU_BOUND = """
import resource, sys
resource.setrlimit(resource.RLIMIT_CPU, (20, 20))   # the old diff took minutes
from contratgen.cli import main
main(sys.argv[1:])
"""


@pytest.mark.parametrize("words, vocabulary", [(1_000, 200), (10_000, 2_000), (10_000, 50)])
def test_a_long_paragraph_with_thousands_of_changed_words_diffs_within_a_cpu_bound(
        tmp_path, words, vocabulary):
    old, new = changed_words(words, vocabulary, share=0.5)
    (tmp_path / "old.docx").write_bytes(docx("Préambule", old))
    (tmp_path / "new.docx").write_bytes(docx("Préambule", new))
    done = subprocess.run([sys.executable, "-c", CPU_BOUND, "diff", str(tmp_path / "old.docx"),
                           str(tmp_path / "new.docx"), "-o", str(tmp_path / "d.docx")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    result = (tmp_path / "d.docx").read_bytes()
    assert paragraph_texts(accept_all(result))[1] == new
    assert paragraph_texts(reject_all(result))[1] == old
    if vocabulary == 50:   # no word found once on each side: windows, said
        assert "compared window by window" in done.stdout


def test_word_level_marks_are_kept_for_a_long_paragraph_with_anchors():
    old = " ".join(f"w{i}" for i in range(3_000))
    new = old.replace("w1500 ", "w1500 ajouté ").replace("w2999", "fin")
    redline = compare(docx(old), docx(new))
    assert redline.coarse == 0 and redline.revisions == 3   # 1 insertion, 1 replacement


# --- hostile files -----------------------------------------------------------------------

def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


@pytest.mark.parametrize("name", ["in.docx", "in.yaml"])
def test_a_fifo_is_refused_without_blocking(tmp_path, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    other = SAMPLES / "quote-b2b.yaml" if name.endswith("yaml") else tmp_path / "o.docx"
    (tmp_path / "o.docx").write_bytes(docx("Bonjour"))
    done = subprocess.run([sys.executable, "-m", "contratgen.cli", "diff", str(fifo),
                           str(other), "-o", str(tmp_path / "d.docx")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert f"{fifo}: error:" in done.stderr and "[io.not-a-file]" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "d.docx").exists()


HOSTILE = {
    "word/document.xml": None,   # the main part itself
    "docProps/core.xml": CORE.replace("<cp:", DOCTYPE + "<cp:", 1),
    "docProps/custom.xml": '<?xml version="1.0"?>' + DOCTYPE + "<Properties/>",
    "word/_rels/document.xml.rels": '<?xml version="1.0"?>' + DOCTYPE + "<Relationships/>",
}


def hostile_docx(part: str) -> bytes:
    if part == "word/document.xml":
        data = docx("&b;")
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read(part).decode().replace("<w:document", DOCTYPE.replace(
                "DOCTYPE x", "DOCTYPE w:document") + "<w:document", 1)
        return _with_document(xml)
    return docx("Bonjour", parts={part: HOSTILE[part]})


def _with_document(xml: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", xml)
    return out.getvalue()


@pytest.mark.parametrize("part", list(HOSTILE))
def test_a_part_with_a_doctype_is_refused_naming_the_file_and_the_rule(tmp_path, part):
    plain, hostile = tmp_path / "plain.docx", tmp_path / "hostile.docx"
    plain.write_bytes(docx("Bonjour"))
    hostile.write_bytes(hostile_docx(part))
    for args in (("diff", plain, hostile, "-o", tmp_path / "d.docx"), ("inspect", hostile)):
        result = run(*args)
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert f"{hostile}: error:" in result.stderr and "[docx.doctype]" in result.stderr
        assert part in result.stderr
    assert not (tmp_path / "d.docx").exists()
