"""No other account can drive, divert or stop our LibreOffice through its Unix sockets
(real LibreOffice, a throw-away second account: root only)."""
import os
import stat
import tempfile

import pytest

from conftest import needs_libreoffice
from fixtures.pdf.contract_docx import contract_docx
from support.accounts import other_account, run_as, start_as
from contratgen.office_pipes import office_sockets, single_instance_name
from contratgen.pdf import office_profile
from contratgen.pdf.workers import ConversionFailed, Converter, find_soffice

pytestmark = needs_libreoffice

CONNECT = """
import socket, sys
for path in sys.argv[1:]:
    probe = socket.socket(socket.AF_UNIX)
    try:
        probe.connect(path)
        print("connected", path)
    except OSError as exc:
        print("refused", path, exc.errno)
"""


@pytest.fixture
def private(monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setenv("CONTRATGEN_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def live_sockets(converter) -> list[str]:
    found = []
    for worker in converter._all:
        found += [str(s) for s in office_sockets(worker.profile, worker.pipe, worker.sockets)
                  if s.exists()]
    return found


def test_under_umask_000_another_account_cannot_connect_to_our_libreoffice(private):
    """The break: under umask 000 the UNO pipe was 0777 in /tmp, and another account
    drove our LibreOffice (it wrote a file into /root)."""
    with other_account() as uid:
        old = os.umask(0)
        try:
            with Converter(workers=1) as converter:
                converter.convert(contract_docx())
                sockets = live_sockets(converter)
                modes = {path: stat.S_IMODE(os.lstat(path).st_mode) for path in sockets}
                tried = run_as(uid, CONNECT.replace("sys.argv[1:]", repr(sockets)))
        finally:
            os.umask(old)

    assert len(sockets) == 2, sockets   # the UNO pipe and the single-instance pipe
    assert all(mode & 0o077 == 0 for mode in modes.values()), modes
    assert tried.returncode == 0, tried.stderr
    assert "connected" not in tried.stdout and tried.stdout.count("refused") == 2


LISTEN = """
import os, socket, sys, time
path = sys.argv[1] if len(sys.argv) > 1 else PATH
server = socket.socket(socket.AF_UNIX)
server.bind(path)
os.chmod(path, 0o777)
server.listen(5)
print("listening", flush=True)
server.settimeout(60)
try:
    while True:
        client, _ = server.accept()
        print("accepted", flush=True)
        client.close()
except OSError:
    pass
"""


def test_a_socket_another_account_planted_at_our_profiles_name_is_refused(private):
    """The single-instance name comes from the (kept, predictable) profile's path: a
    socket planted there would get soffice's command line and make it exit."""
    soffice = find_soffice()
    slot0 = office_profile.profiles_root(soffice) / "slot0"
    planted = f"/tmp/OSL_PIPE_{os.getuid()}_{single_instance_name(slot0)}"
    with other_account() as uid:
        attacker = start_as(uid, LISTEN.replace("PATH", repr(planted)))
        try:
            assert attacker.stdout.readline().strip() == "listening"
            with Converter(workers=1) as converter:
                with pytest.raises(ConversionFailed, match="held by another account"):
                    converter.convert(contract_docx(), "planted")
        finally:
            attacker.kill()
            out = attacker.communicate()[0]
            os.unlink(planted)
    assert "accepted" not in out

