"""LibreOffice's own CPU per converted document, counted (not timed): for issue 17.

    python benchmarks/office_cpu.py [-n 40] [--rounds 2]

Renders ``n`` benchmark contracts, then converts them with one warm worker of
:class:`contratgen.pdf.workers.Converter`, once per variant of the profile settings
(:data:`VARIANTS`: the registry settings ``lock_down`` writes, the export options), the variants
interleaved over ``rounds``. For each it prints the CPU of the worker's process group
(soffice.bin, its launcher, the UNO script) spent starting and spent per document, from
/proc (utime + stime): counting work, so a loaded machine moves it much less than a wall
time. It also checks that every variant gives the same text and page count as the first.
Nothing is written to RESULTS.md; the figures go to docs/SPEED_PDF.md by hand.
"""
from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from inputs import write_contracts  # noqa: E402

from contratgen.pdf import office_profile  # noqa: E402
from contratgen.pdf.workers import Converter  # noqa: E402
from contratgen.pipeline import prepare, render_document  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")

# name → (the profile's settings, the export options or None: ours)
VARIANTS: dict[str, tuple] = {
    "security settings only": (office_profile.SECURITY_SETTINGS, None),
    "shipped (+ lean)": (office_profile.SETTINGS, None),
    # e.g. glibc's malloc tuned (a third item: GLIBC_TUNABLES for LibreOffice) did not
    # help: "tuned malloc": (office_profile.SETTINGS, None, "glibc.malloc.tcache_count=2000")
}


def group_cpu(pgid: int, only: str | None = None) -> float:
    """CPU seconds (user + system) of every live process of a process group (``only``:
    of those whose command is this)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if only and Path(f"/proc/{entry}/comm").read_text().strip() != only:
            continue
        if int(fields[2]) == pgid:   # field 5 of stat: the process group
            total += int(fields[11]) + int(fields[12])   # utime, stime
    return total / TICK


def run_variant(extra: tuple, docs: list[bytes]) -> tuple[float, float, list]:
    """(start CPU s, CPU ms per document, [(pages, text)] of each PDF)."""
    from pypdf import PdfReader
    from contratgen.pdf import office_worker
    saved, saved_filter = office_profile.SETTINGS, office_worker.export_filter
    settings, export, tunables = (*extra, None)[:3]
    office_profile.SETTINGS = tuple(settings)
    saved_tunables = os.environ.pop("GLIBC_TUNABLES", None)
    if tunables:
        os.environ["GLIBC_TUNABLES"] = tunables
    if export is not None:
        office_worker.export_filter = lambda pdfa: export
    try:
        with Converter(workers=1) as converter:
            converter.warm_up()
            converter.convert(docs[0], "first")   # waits for the start, then one document
            worker = converter._all[0]
            pgid = worker.process.pid
            started, office = group_cpu(pgid), group_cpu(pgid, "soffice.bin")
            pdfs = [converter.convert(docx, f"d{i}") for i, docx in enumerate(docs)]
            per_doc = (group_cpu(pgid) - started) * 1000 / len(docs)
            office = (group_cpu(pgid, "soffice.bin") - office) * 1000 / len(docs)
            print(f"    (soffice.bin alone {office:.1f} ms CPU/doc)")
    finally:
        office_profile.SETTINGS, office_worker.export_filter = saved, saved_filter
        os.environ.pop("GLIBC_TUNABLES", None)
        if saved_tunables is not None:
            os.environ["GLIBC_TUNABLES"] = saved_tunables
    seen = []
    for pdf in pdfs:
        reader = PdfReader(io.BytesIO(pdf))
        seen.append((len(reader.pages), "".join(p.extract_text() for p in reader.pages)))
    return started, per_doc, seen


def one_call_cpu(docs: list[bytes], work: Path) -> tuple[float, float]:
    """The baseline's CPU: ONE ``soffice --convert-to pdf`` over the files (its own
    profile, made by a first call): (CPU s of a call over 1 file, CPU ms per more file)."""
    import resource
    import subprocess
    from contratgen.pdf.workers import find_soffice
    folder = work / "one-call"
    folder.mkdir(exist_ok=True)
    sources = []
    for i, docx in enumerate(docs):
        sources.append(folder / f"d{i:04d}.docx")
        sources[-1].write_bytes(docx)
    command = [find_soffice(), "--headless", "--norestore", "--nolockcheck",
               f"-env:UserInstallation={(work / 'one-call-profile').as_uri()}",
               "--convert-to", "pdf", "--outdir", str(folder / "out")]

    def cpu(files) -> float:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(command + [str(f) for f in files], capture_output=True, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    cpu(sources[:1])   # the profile
    single = cpu(sources[:1])
    return single, (cpu(sources) - single) * 1000 / (len(sources) - 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="contratgen-office-cpu-"))
    files = sorted(write_contracts(work / "clients", args.n).glob("*.yaml"))
    docs = [render_document(prepare(path)) for path in files]
    reference = None
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in VARIANTS}
    for _ in range(args.rounds):
        for name, extra in VARIANTS.items():
            start, per_doc, seen = run_variant(extra, docs)
            results[name].append((start, per_doc))
            if reference is None:
                reference = seen
            same = seen == reference
            print(f"{name:24s} start+first {start:5.2f} s CPU, {per_doc:6.1f} ms CPU/doc, "
                  f"same text and pages: {same}", flush=True)
    for _ in range(args.rounds):
        single, per_doc = one_call_cpu(docs, work)
        print(f"{'one soffice call':24s} start+first {single:5.2f} s CPU, {per_doc:6.1f} ms "
              "CPU/doc", flush=True)
    print("best of the rounds:")
    for name, runs in results.items():
        print(f"  {name:24s} {min(r[1] for r in runs):6.1f} ms CPU/doc, "
              f"start {min(r[0] for r in runs):5.2f} s")


if __name__ == "__main__":
    main()
