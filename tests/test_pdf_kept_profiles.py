"""Kept LibreOffice profiles (contratgen.pdf.office_profile): reused from one converter
to the next, one LibreOffice per profile (locked), the lock-down settings written anew
before every start, a failed LibreOffice's profile deleted (real LibreOffice)."""

import os
import signal
import time

import pytest

from conftest import needs_libreoffice
from fixtures.pdf.contract_docx import contract_docx
from contratgen.pdf import office_profile
from contratgen.pdf.workers import Converter

pytestmark = needs_libreoffice


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CONTRATGEN_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def profiles(converter) -> list:
    return sorted(str(worker.profile) for worker in converter._all)


def test_a_second_converter_starts_on_the_profiles_the_first_made(cache):
    docx = contract_docx(paragraphs=1)
    with Converter(workers=2, timeout=60) as first:
        first.warm_up()
        first.convert(docx), first.convert(docx)
        used = profiles(first)
    assert len(set(used)) == 2 and all(p.startswith(str(cache / "office")) for p in used)
    assert all(os.path.isdir(p) for p in used)   # kept at close
    with Converter(workers=2, timeout=60) as second:
        second.warm_up()
        second.convert(docx), second.convert(docx)
        assert profiles(second) == used


def test_converters_running_at_once_never_share_a_profile(cache):
    docx = contract_docx(paragraphs=1)
    with Converter(workers=1, timeout=60) as one, Converter(workers=1, timeout=60) as two:
        one.convert(docx), two.convert(docx)
        assert profiles(one) != profiles(two)


def test_the_lock_down_settings_replace_what_a_profile_was_left_with(tmp_path):
    settings = tmp_path / "profile" / "user" / "registrymodifications.xcu"
    settings.parent.mkdir(parents=True)
    settings.write_text('<?xml version="1.0"?><oor:items xmlns:oor="http://openoffice.org/'
                        '2001/registry"><item oor:path="/org.openoffice.Office.Common/'
                        'Security/Scripting"><prop oor:name="MacroSecurityLevel" '
                        'oor:op="fuse"><value>0</value></prop></item></oor:items>')
    office_profile.lock_down(tmp_path / "profile")
    assert settings.read_text("utf-8") == office_profile.registry_xml()
    assert "<value>3</value>" in settings.read_text("utf-8")


def test_each_start_writes_the_lock_down_settings_into_the_kept_profile(cache):
    docx = contract_docx(paragraphs=1)
    with Converter(workers=1, timeout=60) as first:
        first.convert(docx)
        (profile,) = profiles(first)
    settings = os.path.join(profile, "user", "registrymodifications.xcu")
    with open(settings, "w", encoding="utf-8") as handle:
        handle.write("<oor:items/>")   # as if LibreOffice had dropped our settings
    with Converter(workers=1, timeout=60) as second:
        second.convert(docx)
        assert profiles(second) == [profile]
        with open(settings, encoding="utf-8") as handle:
            assert 'oor:name="DisableMacrosExecution"' in handle.read()


def test_the_profile_of_a_failed_libreoffice_is_deleted_not_reused(cache):
    docx = contract_docx(paragraphs=1)
    with Converter(workers=1, timeout=60) as converter:
        converter.convert(docx)
        (profile,) = profiles(converter)
        marker = os.path.join(profile, "marker")
        open(marker, "w").close()
        os.killpg(converter._all[0].process.pid, signal.SIGKILL)   # worker and soffice
        time.sleep(0.5)
        assert converter.convert(docx).startswith(b"%PDF")   # retried on a fresh start
        assert converter.restarts == 1
        assert not os.path.exists(marker)


def test_with_the_cache_off_every_worker_has_a_fresh_profile_of_its_run(monkeypatch):
    monkeypatch.setenv("CONTRATGEN_CACHE_DIR", "off")
    with Converter(workers=1, timeout=60) as converter:
        converter.convert(contract_docx(paragraphs=1))
        (profile,) = profiles(converter)
        assert profile.startswith(str(converter._tmp))
