"""The settings of the private LibreOffice profile our converters run with.

Templates are checked before LibreOffice sees them (:mod:`contratgen.render.template_guard`:
no external relationship, no fetching field, no macro). The profile is the second
wall, in case a check misses something: macros never run, links are never updated,
linked images from a document are never fetched, and nothing calls home.

Profiles are kept between runs (:func:`lease`): a LibreOffice starting on a profile it
made before spends less time (its first start creates some 170 files and runs its
graphics tests), and a run does not delete them at its end. Each lives in
``$XDG_CACHE_HOME/contratgen/office/<LibreOffice build>/slot<N>`` (``CONTRATGEN_CACHE_DIR``
moves it, ``CONTRATGEN_CACHE_DIR=off`` gives every worker a fresh profile, as before),
used by one LibreOffice at a time: the slot's lock (``flock``) is held by the
converter, the worker script and soffice — inherited — so it is free only once all of
them are dead. LibreOffice rewrites ``registrymodifications.xcu`` as it pleases (at
exit it drops settings it did not make), so :func:`lock_down` writes the settings anew
before every start. A profile whose LibreOffice failed is deleted, not reused.

Besides the walls, the profile turns off what Writer does for a person editing and
nobody sees in a PDF (:data:`LEAN_SETTINGS`: automatic spelling and grammar, word
completion, smart tags, recovery): less CPU per document, the same bytes; and it says
which version last ran (:func:`start_settings`), so that a start is not taken for the
first after an upgrade (the graphics tests, ~0.7 s of CPU, skipped).
"""
from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from ..private import UnsafeFolder, cache_root

SLOTS = 32   # profiles per LibreOffice build: more concurrent workers get fresh ones

# (configuration node, property, type, value)
SECURITY_SETTINGS = (
    ("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "int", "3"),
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution",
     "boolean", "true"),
    # linked images and other "referer" links of an untrusted document are not loaded
    ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks",
     "boolean", "true"),
    ("/org.openoffice.Office.Writer/Content/Update", "Link", "int", "0"),       # never
    ("/org.openoffice.Office.Calc/Content/Update", "Link", "int", "2"),         # never
    ("/org.openoffice.Office.Common/Misc", "FirstRun", "boolean", "false"),
    ("/org.openoffice.Office.Common/Misc", "CollectUsageInformation", "boolean", "false"),
    ("/org.openoffice.Office.Common/Misc", "UseSystemFileDialog", "boolean", "false"),
    ("/org.openoffice.Office.Common/Java", "Enable", "boolean", "false"),
    ("/org.openoffice.Office.Update/Update", "Enabled", "boolean", "false"),
    ("/org.openoffice.Office.Jobs/Jobs/org.openoffice.Office.Jobs:Job['UpdateCheck']/"
     "Arguments", "AutoCheckEnabled", "boolean", "false"),
)

# Writer doing less per document, none of it seen in the PDF (tests/test_pdf_lean_profile.py:
# the same bytes with and without): no spelling or grammar checked as it loads, no words
# collected for completion, no smart tags, no recovery copies, no VBA project loaded, no
# thumbnail. ~10 % of LibreOffice's CPU per document (docs/SPEED_PDF.md).
LEAN_SETTINGS = (
    ("/org.openoffice.Office.Linguistic/SpellChecking", "IsSpellAuto", "boolean", "false"),
    ("/org.openoffice.Office.Linguistic/GrammarChecking", "IsAutoCheck", "boolean", "false"),
    ("/org.openoffice.Office.Linguistic/Hyphenation", "IsHyphAuto", "boolean", "false"),
    ("/org.openoffice.Office.Writer/AutoFunction/Completion", "Enable", "boolean", "false"),
    ("/org.openoffice.Office.Writer/AutoFunction/Completion", "CollectWords", "boolean",
     "false"),
    ("/org.openoffice.Office.Common/SmartTags/Writer", "RecognizeSmartTags", "boolean",
     "false"),
    ("/org.openoffice.Office.Recovery/RecoveryInfo", "Enabled", "boolean", "false"),
    ("/org.openoffice.Office.Recovery/AutoSave", "Enabled", "boolean", "false"),
    ("/org.openoffice.Office.Writer/Filter/Import/VBA", "Load", "boolean", "false"),
    ("/org.openoffice.Office.Common/Save/Document", "GenerateThumbnail", "boolean", "false"),
)

SETTINGS = SECURITY_SETTINGS + LEAN_SETTINGS

_SETUP_VERSION = re.compile(rb'<prop oor:name="ooSetupVersion">\s*<value>([0-9.]+)</value>')


def start_settings(soffice: str) -> tuple:
    """What makes each start of this LibreOffice short: the version it last ran, its own
    (``ooSetupLastVersion``). Headless, LibreOffice never records it (the "what's new"
    bar that does is not shown), so it takes every start for the first after an upgrade
    and runs its graphics tests: ~0.7 s of CPU, ~0.8 s before it accepts a document.
    Nothing when the version cannot be read (the tests then run, as before)."""
    version = product_version(soffice)
    return () if version is None else (
        ("/org.openoffice.Setup/Product", "ooSetupLastVersion", "string", version),)


@functools.lru_cache(maxsize=8)
def product_version(soffice: str) -> str | None:
    """The ``major.minor`` of a LibreOffice installation (its registry's Setup/Product)."""
    program = Path(os.path.realpath(soffice)).parent
    for registry in (program.parent / "share" / "registry", program.parent / "Resources" /
                     "registry"):
        try:
            found = _SETUP_VERSION.search((registry / "main.xcd").read_bytes())
        except OSError:
            continue
        if found:
            return found.group(1).decode()
    return None


def registry_xml(extra: tuple = ()) -> str:
    items = "".join(
        f"<item oor:path={quoteattr(path)}><prop oor:name={quoteattr(name)} "
        f'oor:op="fuse"><value>{escape(value)}</value></prop></item>\n'
        for path, name, _kind, value in SETTINGS + tuple(extra))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
            f"{items}</oor:items>\n")


def lock_down(profile: Path, extra: tuple = ()) -> None:
    """Write the settings (and ``extra`` ones: :func:`start_settings`) into a profile
    folder (``-env:UserInstallation``), replacing whatever LibreOffice left there: call
    it before every start."""
    target = Path(profile) / "user" / "registrymodifications.xcu"
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(target.name + ".new")
    staged.write_text(registry_xml(extra), "utf-8")
    staged.replace(target)


@dataclass
class Lease:
    """A kept profile, locked for one LibreOffice: ``fd`` holds the lock (pass it on to
    the processes that use the profile; :meth:`release` closes this copy)."""

    path: Path
    fd: int

    def release(self, discard: bool = False) -> None:
        """Let the profile go; ``discard`` deletes it first (its LibreOffice failed)."""
        if self.fd < 0:
            return
        if discard:
            shutil.rmtree(self.path, ignore_errors=True)
        os.close(self.fd)
        self.fd = -1


def lease(soffice: str) -> Lease | None:
    """A kept profile no other LibreOffice uses, locked; None when the cache is off,
    not writable, or every slot is taken (the caller then makes a fresh profile)."""
    root = profiles_root(soffice)
    if root is None:
        return None
    try:
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    for slot in range(SLOTS):
        try:
            fd = os.open(root / f"slot{slot}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        return Lease(root / f"slot{slot}", fd)
    return None


def profiles_root(soffice: str) -> Path | None:
    """Where the kept profiles of this LibreOffice build are (None: do not keep any, or
    the cache folder is not private: :func:`contratgen.private.cache_root`)."""
    try:
        base = cache_root()
    except (OSError, UnsafeFolder):
        return None
    return None if base is None else base / "office" / _build_key(soffice)


def _build_key(soffice: str) -> str:
    """The LibreOffice build (its program folder and files): an upgrade gets new profiles."""
    program = Path(os.path.realpath(soffice)).parent
    marks = [str(program)]
    for name in ("soffice.bin", "libmergedlo.so", "versionrc", "bootstraprc"):
        try:
            info = (program / name).stat()
        except OSError:
            continue
        marks.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(marks).encode()).hexdigest()[:16]
