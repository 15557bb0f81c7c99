"""Benchmark of ``contratgen batch`` against naive baselines measured in the same run.

    python benchmarks/bench_batch.py                 # DOCX: 500 documents, memory: 2000
    python benchmarks/bench_batch.py --pdf           # + PDF: 40 documents
    python benchmarks/bench_batch.py --profile       # + the top costs of one document

DOCX: the naive loop is what a script would do per document — the same validated input
and the same context, then ``DocxTemplate(path)``, ``render``, ``save`` — against
``batch -j 1 --format docx`` (run in-process, every step included: load, validate, check,
render, atomic write, manifest). Targets: ≥ 5×.
PDF: one ``soffice --headless --convert-to pdf`` process per document (the DOCX given
for free) against ``batch -j 2 --format pdf`` (render, convert, finalize). Target ≥ 10×.
Memory: peak RSS of a child process building 2 000 documents (target < 250 MB).
Nothing here is asserted: the figures are printed, for humans and for docs/BATCH.md.
"""
from __future__ import annotations

import argparse
import contextlib
import cProfile
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from inputs import write_contracts  # noqa: E402

from contratgen.render import docx as render  # noqa: E402
from contratgen.batch import BatchConfig, run_batch  # noqa: E402
from contratgen.render.clauses import clause_articles
from contratgen.build import prepare, render_document  # noqa: E402
from contratgen.render.context import build_context  # noqa: E402
from contratgen.render.i18n import phrase  # noqa: E402


def naive_context(prepared) -> dict:
    """The context render_document gives the template (same values, same articles)."""
    lang = prepared.lang
    clauses = [{"number": s.number, "id": s.clause.id, "version": s.clause.spec.version,
                "title": s.clause.spec.title.model_dump()[lang],
                "conspicuous": s.clause.spec.conspicuous,
                "hash": s.clause.text_hash(lang)[:12]} for s in prepared.clauses]
    context = build_context(prepared.client, prepared.computed, prepared.rates, clauses)
    articles, annexes = clause_articles(prepared, context)
    context["articles"] = render.articles_xml(articles)
    context["clause_annexes"] = render.annex_pages_xml(annexes, phrase(lang, "annex"))
    return context


def naive_docx(files: list[Path], out: Path) -> float:
    """ms/doc: for each document, DocxTemplate(template) → render → save."""
    from docxtpl import DocxTemplate
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for path in files:
        prepared = prepare(path)
        document = DocxTemplate(str(prepared.template))
        document.render(naive_context(prepared), autoescape=True)
        document.save(str(out / f"{prepared.client.document.number}.docx"))
    return (time.perf_counter() - started) * 1000 / len(files)


def batch_ms(folder: Path, out: Path, jobs: int, formats: tuple[str, ...]) -> float:
    """ms/doc for run_batch, in-process (its progress lines silenced)."""
    count = len(list(folder.glob("*.yaml")))
    config = BatchConfig(inputs=(str(folder),), out_dir=out, jobs=jobs, formats=formats)
    started = time.perf_counter()
    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet), \
            contextlib.redirect_stderr(quiet):
        code = run_batch(config)
    elapsed = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"batch failed with exit code {code}: see {out / 'manifest.json'}")
    return elapsed * 1000 / count


def naive_pdf(files: list[Path], work: Path) -> float:
    """ms/doc: one ``soffice --convert-to pdf`` process per document (a warm profile)."""
    from contratgen.pdf.workers import find_soffice
    soffice = find_soffice()
    docx_dir, pdf_dir, profile = work / "docx", work / "pdf", work / "profile"
    docx_dir.mkdir(parents=True)
    sources = []
    for path in files:   # the DOCX are given to the baseline for free
        target = docx_dir / f"{path.stem}.docx"
        target.write_bytes(render_document(prepare(path)))
        sources.append(target)
    command = [soffice, "--headless", "--norestore", "--nolockcheck",
               f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "pdf",
               "--outdir", str(pdf_dir)]
    subprocess.run(command + [str(sources[0])], capture_output=True, check=True)  # profile
    started = time.perf_counter()
    for source in sources:
        subprocess.run(command + [str(source)], capture_output=True, check=True)
    return (time.perf_counter() - started) * 1000 / len(sources)


MEMORY_CHILD = """
import contextlib, os, resource, sys
from pathlib import Path
from contratgen.batch import BatchConfig, run_batch
with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
    code = run_batch(BatchConfig(inputs=(sys.argv[1],), out_dir=Path(sys.argv[2]), jobs=1,
                                 formats=("docx",)))
# VmHWM is the peak RSS of this address space; ru_maxrss would survive execve and report
# the (much larger) benchmark parent's peak instead
peak = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(code, peak)
"""


def peak_memory_mb(folder: Path, out: Path) -> float:
    run = subprocess.run([sys.executable, "-c", MEMORY_CHILD, str(folder), str(out)],
                         capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent)
    code, kilobytes = run.stdout.split()[-2:]
    if code != "0":
        raise SystemExit(f"memory run failed: {run.stderr[-2000:]}")
    return int(kilobytes) / 1024   # VmHWM is in kB


def profile(files: list[Path], top: int) -> None:
    """The per-document path (prepare + render), profiled; caches warm, as in a batch."""
    render_document(prepare(files[0]))
    profiler = cProfile.Profile()
    profiler.enable()
    for path in files:
        render_document(prepare(path))
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    print(f"\nprofile of {len(files)} documents (prepare + render_document), by own time:")
    stats.sort_stats("tottime").print_stats(top)
    print("by cumulative time:")
    stats.sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=500, help="DOCX documents (default 500)")
    parser.add_argument("--pdf", action="store_true", help="also the PDF benchmark")
    parser.add_argument("--pdf-n", type=int, default=100)
    parser.add_argument("--memory-n", type=int, default=2000,
                        help="documents for the peak memory run (0: skip)")
    parser.add_argument("--profile", action="store_true", help="profile one document's path")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--quick", action="store_true",
                        help="a few documents of each kind, so CI sees the benchmark run")
    args = parser.parse_args()
    if args.quick:
        args.n, args.pdf_n, args.memory_n = 20, 4, 50
    work = Path(tempfile.mkdtemp(prefix="contratgen-bench-"))
    try:
        folder = write_contracts(work / "clients", args.n)
        files = sorted(folder.glob("*.yaml"))
        prepare(files[0])   # library and template caches: both sides start warm
        naive = naive_docx(files, work / "naive")
        ours = batch_ms(folder, work / "batch", 1, ("docx",))
        print(f"DOCX, {args.n} documents, one process:")
        print(f"  naive docxtpl loop        {naive:8.1f} ms/doc")
        print(f"  batch -j 1 --format docx  {ours:8.1f} ms/doc")
        print(f"  ratio                     {naive / ours:8.1f}x   (target >= 5x)")
        cores = os.cpu_count() or 1
        if cores > 1:
            parallel = batch_ms(folder, work / "batch-j", cores, ("docx",))
            print(f"  batch -j {cores} --format docx  {parallel:8.1f} ms/doc "
                  f"({naive / parallel:.1f}x)")
        if args.pdf:
            pdf_files = files[:args.pdf_n]
            pdf_folder = work / "pdf-clients"
            pdf_folder.mkdir()
            for path in pdf_files:
                shutil.copy(path, pdf_folder / path.name)
            one_each = naive_pdf(pdf_files, work / "naive-pdf")
            pooled = batch_ms(pdf_folder, work / "batch-pdf", 2, ("pdf",))
            print(f"PDF, {len(pdf_files)} documents:")
            print(f"  one soffice per document  {one_each:8.1f} ms/doc  (conversion only)")
            print(f"  batch -j 2 --format pdf   {pooled:8.1f} ms/doc  (render+convert+finalize)")
            print(f"  ratio                     {one_each / pooled:8.1f}x   (target >= 10x)")
        if args.memory_n:
            big = write_contracts(work / "memory", args.memory_n)
            peak = peak_memory_mb(big, work / "memory-out")
            print(f"memory: {args.memory_n} documents, batch -j 1 --format docx: "
                  f"peak RSS {peak:.0f} MB   (target < 250 MB)")
        if args.profile:
            profile(files[:200], args.top)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
