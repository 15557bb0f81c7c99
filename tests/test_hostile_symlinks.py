"""Links in a client's folder (SECURITY.md): every file read from it — clause files of its
``library:``, its template, its annexes — is checked after the links are resolved; a link
leading outside is refused before the file is read, so nothing of that file (not even the
names of its keys) reaches a document or a diagnostic.
"""
from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from contratgen.cli import main
from contratgen.library.loader import SHIPPED
from hostile_files import MINIMAL, client_with_annexes, client_with_template, pdf_bytes, \
    plain_pdf

SECRET = "database_password: hunter2\napi_token: tok-123\n"


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def outside(tmp_path):
    """A folder beside the client's, holding what the client must not reach."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.yaml").write_text(SECRET, "utf-8")
    shutil.copy(SHIPPED / "jurisdiction.yaml", folder / "jurisdiction.yaml")
    return folder


@pytest.fixture
def client(tmp_path):
    folder = tmp_path / "client"
    (folder / "lib").mkdir(parents=True)
    path = folder / "client.yaml"
    path.write_text(MINIMAL + "library: {path: lib, layer: true}\n", "utf-8")
    return path


def assert_nothing_leaks(output: str) -> None:
    assert "Traceback" not in output, output
    for word in ("database_password", "hunter2", "api_token", "tok-123"):
        assert word not in output, output


@pytest.mark.parametrize("command", ["build", "check", "lint"])
def test_a_clause_file_linking_outside_is_refused_unread(client, outside, command):
    link = client.parent / "lib" / "evil.yaml"
    link.symlink_to(outside / "secret.yaml")
    args = {"build": ["build", str(client), "-o", str(client.parent / "out"),
                      "--format", "docx"],
            "check": ["check", str(client)],
            "lint": ["lint", str(client.parent / "lib")]}[command]
    result = cli(*args)
    assert result.exit_code == 1, result.output
    assert_nothing_leaks(result.output)
    assert "evil.yaml: error: a link to a file outside the clause library folder" in \
        result.output and "[path.outside]" in result.output
    assert not (client.parent / "out").exists()


def test_a_valid_clause_behind_an_outside_link_is_not_loaded(client, outside):
    (client.parent / "lib" / "jurisdiction.yaml").symlink_to(outside / "jurisdiction.yaml")
    result = cli("check", str(client))
    assert result.exit_code == 1 and "[path.outside]" in result.output, result.output


def test_a_link_inside_the_folder_is_fine(client):
    lib = client.parent / "lib"
    shutil.copy(SHIPPED / "jurisdiction.yaml", lib / "real.yaml")
    (lib / "jurisdiction.yaml").symlink_to("real.yaml")
    (lib / "real.yaml").rename(lib / "real.txt")
    (lib / "jurisdiction.yaml").unlink()
    (lib / "jurisdiction.yaml").symlink_to("real.txt")
    result = cli("check", str(client))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("target", ["loop", "dangling"])
def test_a_link_loop_or_a_dangling_link_is_a_located_error(client, target):
    lib = client.parent / "lib"
    if target == "loop":
        (lib / "a.yaml").symlink_to("b.yaml")
        (lib / "b.yaml").symlink_to("a.yaml")
    else:
        (lib / "a.yaml").symlink_to("nowhere.yaml")
    result = cli("check", str(client))
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "a.yaml: error: a link that leads nowhere" in result.output


def test_a_template_linking_outside_is_refused(tmp_path, outside):
    folder = tmp_path / "client"
    folder.mkdir()
    (folder / "letterhead.docx").symlink_to(outside / "secret.yaml")
    result = cli("check", str(client_with_template(folder)))
    assert result.exit_code == 1 and "[path.outside]" in result.output, result.output
    assert_nothing_leaks(result.output)


def test_an_annex_linking_outside_is_refused(tmp_path, outside):
    folder = tmp_path / "client"
    folder.mkdir()
    (outside / "private.pdf").write_bytes(pdf_bytes(plain_pdf()))
    (folder / "annex.pdf").symlink_to(outside / "private.pdf")
    result = cli("check", str(client_with_annexes(folder, "annex.pdf")))
    assert result.exit_code == 1 and "[path.outside]" in result.output, result.output


def test_a_library_folder_linking_outside_is_refused(tmp_path, outside):
    folder = tmp_path / "client"
    folder.mkdir()
    (folder / "lib").symlink_to(outside)
    path = folder / "client.yaml"
    path.write_text(MINIMAL + "library: {path: lib, layer: true}\n", "utf-8")
    result = cli("check", str(path))
    assert result.exit_code == 1 and "[path.outside]" in result.output, result.output
    assert_nothing_leaks(result.output)
