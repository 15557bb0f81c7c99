#!/usr/bin/env python3
"""Print the text of a DOCX, one paragraph a line, for ``git diff`` (a git textconv).

    python3 tools/docx_textconv.py templates/contract.docx

Templates are Word files: git sees a zip. With the repository's ``.gitattributes``
(``*.docx diff=docx``) and, once per clone,

    git config diff.docx.textconv "python3 tools/docx_textconv.py"

``git diff``, ``git log -p`` and ``git show`` print the paragraphs that changed — headers,
body, tables (cell by cell, ``| `` before each cell), footers, in that order — with
their Jinja tags, bookmarks (``[bookmark name]``, where the signature fields go) and
paragraph style (``[Heading1]``). Only the standard library: it runs under any Python 3.
"""
from __future__ import annotations

import re
import sys
import zipfile
from xml.etree import ElementTree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def paragraph_text(p) -> str:
    parts = []
    for node in p.iter():
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}tab":
            parts.append("\t")
        elif node.tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
        elif node.tag == f"{W}bookmarkStart" and not (node.get(f"{W}name") or "").startswith("_"):
            parts.append(f"[bookmark {node.get(f'{W}name')}]")
    style = p.find(f"{W}pPr/{W}pStyle")
    prefix = f"[{style.get(f'{W}val')}] " if style is not None else ""
    return prefix + "".join(parts)


def block_lines(container, depth: int = 0) -> list[str]:
    """The paragraphs of a body, header, footer or cell; tables row by row."""
    lines = []
    for child in container:
        if child.tag == f"{W}p":
            lines.append("  " * depth + paragraph_text(child))
        elif child.tag == f"{W}tbl":
            lines += table_lines(child, depth)
        elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}footnote",
                           f"{W}endnote"):
            lines += block_lines(child, depth)
    return lines


def table_lines(table, depth: int) -> list[str]:
    lines = []
    for row in table.findall(f"{W}tr"):
        lines.append("  " * depth + "+ row")
        for cell in row.findall(f"{W}tc"):
            inner = block_lines(cell, depth + 1)
            lines += ["  " * depth + "| " + inner[0].lstrip()] + inner[1:] if inner else []
    return lines


def part_order(package: zipfile.ZipFile) -> list[str]:
    """Headers, the body, footers, footnotes: as the document reads."""
    names = package.namelist()
    headers = sorted(n for n in names if re.fullmatch(r"word/header\d*\.xml", n))
    footers = sorted(n for n in names if re.fullmatch(r"word/footer\d*\.xml", n))
    rest = [n for n in ("word/footnotes.xml", "word/endnotes.xml") if n in names]
    return headers + ["word/document.xml"] + footers + rest


def docx_lines(path: str) -> list[str]:
    with zipfile.ZipFile(path) as package:
        lines = []
        for part in part_order(package):
            if part not in package.namelist():
                continue
            root = ElementTree.fromstring(package.read(part))
            body = root.find(f"{W}body")
            lines.append(f"=== {part}")
            lines += block_lines(body if body is not None else root)
        return lines


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: docx_textconv.py FILE.docx", file=sys.stderr)
        return 2
    try:
        lines = docx_lines(argv[0])
    except (OSError, zipfile.BadZipFile, ElementTree.ParseError, KeyError) as exc:
        print(f"{argv[0]}: not a readable DOCX: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write("".join(line + "\n" for line in lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
