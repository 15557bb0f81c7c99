"""Sequence matching with bounded work, for paragraphs of any length.

:class:`difflib.SequenceMatcher` looks at every pair of equal tokens: a paragraph of
10 000 words against another (spaces and common words repeat) costs minutes. Here:

1. the common prefix and suffix are matched in one pass;
2. a stretch small enough (at most :data:`BUDGET` token pairs) goes to difflib, as before;
3. a longer one is cut at its anchors — tokens found exactly once on each side, the
   longest run of them in the same order (patience diff) — and each piece matched again,
   down to :data:`MAX_DEPTH` levels;
4. what is still too long and has no anchor is cut into windows of proportional lengths,
   each matched by difflib: still word by word, not always the fewest marks — counted in
   :attr:`Matcher.coarse` so that the caller can say so.

Every level looks at each token a bounded number of times: the work is near-linear in
the length of the paragraphs (``n log n`` per level).

:func:`close` is difflib's ratio test (at least ``threshold`` of the items in common), with
only its linear bound (the multiset of items) once the sequences are long.
"""
from __future__ import annotations

import bisect
from collections import Counter
from difflib import SequenceMatcher
from typing import Hashable, Sequence

BUDGET = 100_000     # token pairs difflib may compare in one stretch (~300 × 300)
MAX_DEPTH = 8        # levels of anchors
EXACT_RATIO = 4_000  # items beyond which close() counts the multiset only
_WINDOW = 100        # tokens of a window (_WINDOW² < BUDGET)

Opcode = tuple[str, int, int, int, int]


class Matcher:
    """Opcodes (as difflib's ``get_opcodes``) for ``a`` → ``b`` with bounded work."""

    def __init__(self, a: Sequence[Hashable], b: Sequence[Hashable]):
        self.a, self.b = a, b
        self.coarse = 0          # tokens (of both sides) matched window by window
        self._blocks: list[tuple[int, int, int]] = []
        if len(a) * len(b) <= BUDGET:   # difflib on the whole, exactly as before
            found = SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
            self._blocks = [block for block in found if block[2]]
        else:
            self._match(0, len(a), 0, len(b), 0)
            self._blocks.sort()

    def _match(self, alo: int, ahi: int, blo: int, bhi: int, depth: int) -> None:
        a, b, out = self.a, self.b, self._blocks
        start = alo
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            alo, blo = alo + 1, blo + 1
        if alo > start:
            out.append((start, blo - (alo - start), alo - start))
        end = ahi
        while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
            ahi, bhi = ahi - 1, bhi - 1
        if end > ahi:
            out.append((ahi, bhi, end - ahi))
        if alo == ahi or blo == bhi:
            return
        if (ahi - alo) * (bhi - blo) <= BUDGET:
            found = SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
            out.extend((alo + i, blo + j, n) for i, j, n in found.get_matching_blocks() if n)
            return
        anchors = _anchors(a, alo, ahi, b, blo, bhi) if depth < MAX_DEPTH else []
        if not anchors:
            self._windows(alo, ahi, blo, bhi)
            return
        i0, j0 = alo, blo
        for i, j in anchors:
            self._match(i0, i, j0, j, depth + 1)
            out.append((i, j, 1))
            i0, j0 = i + 1, j + 1
        self._match(i0, ahi, j0, bhi, depth + 1)

    def _windows(self, alo: int, ahi: int, blo: int, bhi: int) -> None:
        """A long stretch with no anchor: cut both sides into as many windows, of
        proportional lengths, and match each window pair with difflib (within the budget).
        The marks still read OLD and NEW; they may not be the fewest."""
        m, n = ahi - alo, bhi - blo
        count = -(-max(m, n) // _WINDOW)
        self.coarse += m + n
        for k in range(count):
            i1, i2 = alo + k * m // count, alo + (k + 1) * m // count
            j1, j2 = blo + k * n // count, blo + (k + 1) * n // count
            found = SequenceMatcher(None, self.a[i1:i2], self.b[j1:j2], autojunk=False)
            self._blocks.extend((i1 + i, j1 + j, size)
                                for i, j, size in found.get_matching_blocks() if size)

    def get_opcodes(self) -> list[Opcode]:
        """As :meth:`difflib.SequenceMatcher.get_opcodes`."""
        ops: list[Opcode] = []
        i = j = 0
        for ai, bj, size in [*_merged(self._blocks), (len(self.a), len(self.b), 0)]:
            tag = "replace" if i < ai and j < bj else "delete" if i < ai else \
                "insert" if j < bj else ""
            if tag:
                ops.append((tag, i, ai, j, bj))
            i, j = ai + size, bj + size
            if size:
                ops.append(("equal", ai, i, bj, j))
        return ops


def _merged(blocks: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    out: list[list[int]] = []
    for i, j, n in blocks:
        if out and out[-1][0] + out[-1][2] == i and out[-1][1] + out[-1][2] == j:
            out[-1][2] += n
        else:
            out.append([i, j, n])
    return [tuple(block) for block in out]


def _anchors(a, alo, ahi, b, blo, bhi) -> list[tuple[int, int]]:
    """The tokens found once in ``a[alo:ahi]`` and once in ``b[blo:bhi]``: the longest
    chain of them in the same order on both sides."""
    count_a, count_b = Counter(a[alo:ahi]), Counter(b[blo:bhi])
    where_b = {b[j]: j for j in range(blo, bhi) if count_b[b[j]] == 1}
    pairs = [(i, where_b[a[i]]) for i in range(alo, ahi)
             if count_a[a[i]] == 1 and a[i] in where_b]
    # longest increasing run of j (patience sorting), then walked back
    tails: list[int] = []          # j of the last pair of each length
    tail_index: list[int] = []
    back: list[int] = []
    for index, (_, j) in enumerate(pairs):
        k = bisect.bisect_left(tails, j)
        back.append(tail_index[k - 1] if k else -1)
        if k == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[k], tail_index[k] = j, index
    chain, index = [], tail_index[-1] if tail_index else -1
    while index >= 0:
        chain.append(pairs[index])
        index = back[index]
    return chain[::-1]


def close(a: Sequence[Hashable], b: Sequence[Hashable], threshold: float) -> bool:
    """At least ``threshold`` of the items in common (difflib's ratio), the cheap upper
    bounds tried first; past :data:`EXACT_RATIO` items the multiset bound decides."""
    if len(a) + len(b) > EXACT_RATIO:
        if not a and not b:
            return True
        common = sum((Counter(a) & Counter(b)).values())
        return 2 * common / (len(a) + len(b)) >= threshold
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return (matcher.real_quick_ratio() >= threshold and matcher.quick_ratio() >= threshold
            and matcher.ratio() >= threshold)
