"""contratgen serve without LibreOffice: where the socket goes, which folders are refused,
and the framing's limits (tests/test_serve.py runs real servers)."""
import os
import socket
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from contratgen.serve import protocol
from contratgen.serve.client import ping
from contratgen.serve.place import Place, UnsafeFolder, prepare, runtime_place


def test_the_socket_is_under_the_runtime_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))

    assert runtime_place().socket == tmp_path / "contratgen" / "serve.sock"


@pytest.mark.parametrize("runtime", [None, "relative/run", "/no/such/folder"])
def test_without_a_usable_runtime_folder_it_is_under_tmp(monkeypatch, runtime):
    if runtime is None:
        monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    else:
        monkeypatch.setenv("XDG_RUNTIME_DIR", runtime)

    assert runtime_place().folder == Path(f"/tmp/contratgen-{os.getuid()}")


def test_the_folder_is_created_closed_to_others(tmp_path):
    place = prepare(Place(tmp_path / "contratgen"))

    assert (place.folder.stat().st_mode & 0o777) == 0o700


@pytest.mark.parametrize("mode", [0o755, 0o750, 0o701])
def test_a_folder_open_to_others_is_refused(tmp_path, mode):
    folder = tmp_path / "contratgen"
    folder.mkdir()
    folder.chmod(mode)

    with pytest.raises(UnsafeFolder, match=f"mode {mode:04o}"):
        prepare(Place(folder))


def test_a_link_or_a_file_is_refused(tmp_path):
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    (tmp_path / "link").symlink_to(real)
    (tmp_path / "file").write_text("")

    for name in ("link", "file"):
        with pytest.raises(UnsafeFolder, match="not a folder"):
            prepare(Place(tmp_path / name))


def test_a_socket_path_too_long_is_refused(tmp_path):
    deep = tmp_path / ("x" * 100)

    with pytest.raises(UnsafeFolder, match="too long"):
        prepare(Place(deep))


def test_serve_refuses_a_folder_open_to_others(tmp_path):
    (tmp_path / "contratgen").mkdir(mode=0o700)
    (tmp_path / "contratgen").chmod(0o755)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}

    result = subprocess.run([sys.executable, "-m", "contratgen.cli", "serve", "--idle", "5"],
                            env=env, capture_output=True, text=True, timeout=120)

    assert result.returncode == 3
    assert "refusing to serve" in result.stderr and "mode 0755" in result.stderr
    assert not (tmp_path / "contratgen" / "serve.sock").exists()


def test_no_server_no_folder_or_a_dead_socket_means_no_ping(tmp_path):
    place = Place(tmp_path / "contratgen")
    assert ping(place) is None   # no folder
    prepare(place)
    assert ping(place) is None   # no socket
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(place.socket))
    dead.close()
    assert ping(place) is None   # a socket nobody listens on


def test_a_message_goes_through_whole():
    left, right = socket.socketpair()
    with left, right:
        protocol.send(left, {"op": "convert", "name": "é"}, b"PK" * 1000)

        assert protocol.receive(right) == ({"op": "convert", "name": "é"}, b"PK" * 1000)
        assert protocol.peer_uid(right) == os.getuid()


def test_an_announced_oversize_body_is_refused_before_it_is_read():
    left, right = socket.socketpair()
    with left, right:
        right.settimeout(5)   # a receive that waited for the body would time out instead
        left.sendall(struct.pack("!4sII", b"CGS1", 2, protocol.MAX_BODY + 1) + b"{}")

        with pytest.raises(protocol.ProtocolError, match="too large"):
            protocol.receive(right)


@pytest.mark.parametrize("data", [b"GET / HTTP/1.0\r\n\r\n",
                                  struct.pack("!4sII", b"CGS1", 8, 0) + b"not json",
                                  struct.pack("!4sII", b"CGS1", 2, 0) + b"[]",
                                  struct.pack("!4sII", b"CGS1", 2, 0) + b"\xff\xfe"])
def test_what_is_not_a_message_is_a_protocol_error(data):
    left, right = socket.socketpair()
    with left, right:
        right.settimeout(5)
        left.sendall(data)
        left.shutdown(socket.SHUT_WR)

        with pytest.raises(protocol.ProtocolError):
            protocol.receive(right)
