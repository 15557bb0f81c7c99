"""A one-paragraph DOCX the server converts once at start.

LibreOffice loads Writer's DOCX import and PDF export on the first document it converts
(a few tenths of a second more than the next ones); converting this one while nobody
waits makes the first real build as fast as the others. Built in memory, the same bytes
every time.
"""
from __future__ import annotations

import io
import zipfile

_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""
_DOCUMENT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>contratgen serve</w:t></w:r></w:p></w:body>
</w:document>"""


def primer_docx() -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in (("[Content_Types].xml", _TYPES), ("_rels/.rels", _RELS),
                           ("word/document.xml", _DOCUMENT)):
            package.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), text)
    return data.getvalue()
