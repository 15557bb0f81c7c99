"""The small inline markup of clause texts, parsed into paragraphs of runs.

- a blank line separates paragraphs;
- lines starting with ``- `` are items of a bulleted list;
- ``**bold**`` and ``*italic*`` inside a line; ``\\*`` is a literal asterisk.
Other lines of a paragraph are joined with a space (lawyers wrap lines in YAML).

Customer text printed into a clause is never markup (:func:`literal`): its asterisks are
printed, a dash is never a bullet and its newlines are line breaks inside the paragraph
(``LINE_BREAK`` in a run, ``<w:br/>`` in Word), never new paragraphs or list items.
"""
from __future__ import annotations

from dataclasses import dataclass

import re
from functools import lru_cache

LINE_BREAK = "\ue001"   # a line break inside a paragraph (from customer text)
_DASH = "\ue002"         # a customer's dash, which no line may start a list item with
_NEWLINES = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_INLINE = re.compile(r"(\*\*.+?\*\*|\*[^*\s](?:[^*]*[^*\s])?\*)")


@dataclass(frozen=True, slots=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True, slots=True)
class Block:
    kind: str            # "paragraph" or "item"
    runs: tuple[Run, ...]

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs).replace(LINE_BREAK, "\n")


def literal(value: str) -> str:
    """Customer text made literal for :func:`parse`: printed as written, its newlines
    kept as line breaks in the paragraph it lands in."""
    text = value.replace("*", "\\*").replace("-", _DASH)
    # every newline _NEWLINES knows is unprintable: a printable text has none
    return text if text.isprintable() else _NEWLINES.sub(LINE_BREAK, text)


def inline(text: str, bold: bool = False) -> tuple[Run, ...]:
    if "*" not in text:   # no run to find (what the split would give, without the scan)
        return (Run(text, bold=bold),) if text else ()
    runs = []
    for part in _INLINE.split(text):
        if not part:
            continue
        if part.startswith("**") and part.endswith("**") and len(part) > 4:
            runs.append(Run(part[2:-2], bold=True))
        elif part.startswith("*") and part.endswith("*") and len(part) > 2:
            runs.append(Run(part[1:-1], bold=bold, italic=True))
        else:
            runs.append(Run(part, bold=bold))
    return tuple(runs)


_STAR = "\ue000"  # a private-use character stands for an escaped asterisk while parsing


@lru_cache(maxsize=128)   # the blocks are frozen; most clause texts repeat in a batch
def parse(text: str, bold: bool = False) -> tuple[Block, ...]:
    """Text → blocks; ``bold`` makes every run bold (conspicuous clauses).
    ``\\*`` is a literal asterisk ("(\\*) Rayez la mention inutile")."""
    text = text.replace("\\*", _STAR)
    return tuple(Block(b.kind, tuple(Run(r.text.replace(_STAR, "*").replace(_DASH, "-"),
                                         r.bold, r.italic)
                                     for r in b.runs)) for b in _parse(text, bold))


def _parse(text: str, bold: bool) -> tuple[Block, ...]:
    blocks: list[Block] = []
    for chunk in re.split(r"\n[ \t]*\n", text.strip()):
        pending: list[str] = []

        def flush():
            if pending:
                blocks.append(Block("paragraph", inline(" ".join(pending), bold)))
                pending.clear()

        for raw in chunk.splitlines():
            line = raw.strip()
            if not line:
                continue
            if line.startswith("- "):
                flush()
                blocks.append(Block("item", inline(line[2:].strip(), bold)))
            elif blocks and blocks[-1].kind == "item" and not pending and raw[:1].isspace():
                # an indented continuation of a list item
                last = blocks.pop()
                blocks.append(Block("item", last.runs + inline(" " + line, bold)))
            else:
                pending.append(line)
        flush()
    return tuple(b for b in blocks if b.text.strip())


def stray_asterisks(text: str) -> list[int]:
    """Offsets in ``text`` of asterisks that open or close no run: an unbalanced ``**`` or
    ``*`` (which would print as a literal asterisk). Blocks are cut as :func:`parse` cuts
    them; ``\\*`` is a literal asterisk and is never stray."""
    masked = text.replace("\\*", "\0\0")
    stray = []
    for start, block in _blocks_at(masked):
        flat = block.replace("\n", " ")          # parse joins a paragraph's lines
        spent = _INLINE.sub(lambda m: " " * len(m.group()), flat)
        stray.extend(start + i for i, char in enumerate(spent) if char == "*")
    return stray


def _blocks_at(text: str) -> list[tuple[int, str]]:
    """(offset, text) of each paragraph or list item, as :func:`parse` reads them."""
    blocks: list[list[int]] = []      # [start, end] offsets
    item = False
    offset = 0
    for raw in text.splitlines(keepends=True):
        line = raw.strip()
        if not line:
            blocks.append(None)       # a blank line ends the block
        elif line.startswith("- ") or not blocks or blocks[-1] is None or \
                (item and not raw[:1].isspace()):
            blocks.append([offset, offset + len(raw)])
            item = line.startswith("- ")
        else:
            blocks[-1][1] = offset + len(raw)
        offset += len(raw)
    return [(b[0], text[b[0]:b[1]]) for b in blocks if b is not None]
