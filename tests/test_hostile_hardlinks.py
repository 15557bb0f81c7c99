"""A clause file with more than one hard link is refused like a link leading outside: its
other name may be anywhere (another account's file hard-linked into a shared library
folder), and nothing of it reaches a document or a diagnostic."""
from __future__ import annotations

import os
import shutil

import pytest
from click.testing import CliRunner

from contratgen.cli import main
from contratgen.library.loader import SHIPPED
from hostile_files import MINIMAL

SECRET = "database_password: hunter2\napi_token: tok-123\n"


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def client(tmp_path):
    folder = tmp_path / "client"
    (folder / "lib").mkdir(parents=True)
    path = folder / "client.yaml"
    path.write_text(MINIMAL + "library: {path: lib, layer: true}\n", "utf-8")
    (tmp_path / "outside").mkdir()
    return path


@pytest.mark.parametrize("command", ["build", "check", "lint"])
def test_a_hard_linked_clause_file_is_refused_unread(client, command):
    secret = client.parent.parent / "outside" / "secret.yaml"
    secret.write_text(SECRET, "utf-8")
    os.link(secret, client.parent / "lib" / "evil.yaml")
    args = {"build": ["build", str(client), "-o", str(client.parent / "out"),
                      "--format", "docx"],
            "check": ["check", str(client)],
            "lint": ["lint", str(client.parent / "lib")]}[command]
    result = cli(*args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for word in ("database_password", "hunter2", "api_token", "tok-123"):
        assert word not in result.output
    assert "evil.yaml: error: a file with more than one hard link" in result.output
    assert "[path.outside]" in result.output
    assert not (client.parent / "out").exists()


def test_a_valid_clause_with_a_second_hard_link_is_not_loaded(client):
    outside = client.parent.parent / "outside" / "jurisdiction.yaml"
    shutil.copy(SHIPPED / "jurisdiction.yaml", outside)
    os.link(outside, client.parent / "lib" / "jurisdiction.yaml")
    result = cli("check", str(client))
    assert result.exit_code == 1 and "[path.outside]" in result.output, result.output


def test_a_copied_clause_file_is_fine(client):
    shutil.copy(SHIPPED / "jurisdiction.yaml", client.parent / "lib" / "jurisdiction.yaml")
    result = cli("check", str(client))
    assert result.exit_code == 0, result.output
