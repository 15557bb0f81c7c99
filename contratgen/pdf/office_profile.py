"""The settings of the private LibreOffice profile our converters run with.

Templates are checked before LibreOffice sees them (:mod:`contratgen.render.template_guard`:
no external relationship, no fetching field, no macro). The profile is the second
wall, in case a check misses something: macros never run, links are never updated,
linked images from a document are never fetched, and nothing calls home.
"""
from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

# (configuration node, property, type, value)
SETTINGS = (
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


def registry_xml() -> str:
    items = "".join(
        f"<item oor:path={quoteattr(path)}><prop oor:name={quoteattr(name)} "
        f'oor:op="fuse"><value>{value}</value></prop></item>\n'
        for path, name, _kind, value in SETTINGS)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
            f"{items}</oor:items>\n")


def lock_down(profile: Path) -> None:
    """Write the settings into a profile folder (``-env:UserInstallation``), once."""
    target = Path(profile) / "user" / "registrymodifications.xcu"
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(registry_xml(), "utf-8")
