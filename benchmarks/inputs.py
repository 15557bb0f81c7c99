"""Generated inputs for the benchmarks: the sample B2B contract with varied numbers and
amounts, so that every document is different (no cache can cheat)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "contract-b2b.yaml"


def contract_text(i: int) -> str:
    """The i-th variant: its own number, day rate, print run and penalty."""
    text = SAMPLE.read_text(encoding="utf-8")
    return (text.replace("number: CT-2026-0042", f"number: CT-BENCH-{i:05d}")
            .replace("unit_price: 650", f"unit_price: {500 + i % 400}")
            .replace("quantity: 500", f"quantity: {100 + (7 * i) % 900}")
            .replace("amount: 5000", f"amount: {1000 + 10 * (i % 500)}"))


def write_contracts(folder: Path, n: int) -> Path:
    """``n`` client files in ``folder`` (created); returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"client-{i:05d}.yaml").write_text(contract_text(i), encoding="utf-8")
    return folder
