"""Benchmark of ``contratgen batch`` against naive baselines measured in the same run.

    python benchmarks/bench_batch.py                 # DOCX: 500 documents, memory: 2000
    python benchmarks/bench_batch.py --pdf           # + PDF: 40 documents
    python benchmarks/bench_batch.py --profile       # + the top costs of one document
    python benchmarks/bench_batch.py --pdf-only --profile --before ../old-checkout
                                  # the PDF figure only, the previous version's in the same
                                  # run, and the profile of the PDF path (+ finalize)

DOCX: the naive loop is what a script would do per document — the same validated input
and the same context, then ``DocxTemplate(path)``, ``render``, ``save`` — against
``batch -j 1 --format docx`` (run in-process, every step included: load, validate, check,
render, atomic write, manifest). The guard rails: ≤ 1.0× docxtemplater's time
(node, installed by the benchmark into ~/.cache/contratgen-bench when npm works; skipped
otherwise) and, with ``--before``, ≤ 1.5× the earlier checkout's.
PDF: one ``soffice --headless --convert-to pdf`` process per document (the DOCX given
for free) and ONE ``soffice --convert-to pdf`` call converting the same files, against
``batch -j 2 --format pdf`` (render, convert, finalize); with ``--before``, within +10 %
of the earlier checkout's.
Single build: ``python -m contratgen build … --format docx`` against ``python -c pass``
(medians of 5, interleaved). Target ≤ 20×.
Memory: peak RSS of a child process building 2 000 documents vs 200 (target ≤ 1.10×).
Results are appended to benchmarks/RESULTS.md with the machine and date.
Nothing here is asserted: the figures are printed, for humans and for docs/BATCH.md.
"""
from __future__ import annotations

import argparse
import contextlib
import cProfile
import os
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from inputs import write_contracts  # noqa: E402
from baselines import append_results, docxtemplater_ms, docxtemplater_ready, \
    docxtemplater_template, one_soffice_call_ms, single_build_vs_pass  # noqa: E402

from contratgen.render import docx as render  # noqa: E402
from contratgen.batch import BatchConfig, run_batch  # noqa: E402
from contratgen.render.clauses import clause_articles
from contratgen.pipeline import prepare, render_document  # noqa: E402
from contratgen.render.context import build_context  # noqa: E402
from contratgen.render.i18n import phrase  # noqa: E402


CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "contratgen-bench"


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


def best_of(runs: int, measure) -> float:
    """The fastest of ``runs`` runs of ``measure(i)`` (as timeit reports): what the code
    costs, with the least of the machine's other work in it. Each run starts with the
    page cache flushed (``os.sync``), so no side pays for the dirty pages of another."""
    times = []
    for i in range(runs):
        os.sync()
        times.append(measure(i))
    return min(times)


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


def naive_pdf(files: list[Path], work: Path, each_n: int | None = None) -> float | None:
    """ms/doc: one ``soffice --convert-to pdf`` process per document (a warm profile),
    over the first ``each_n`` documents (every DOCX is written for the other baselines;
    ``each_n`` 0: only them, None returned)."""
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
    if each_n == 0:
        return None
    subprocess.run(command + [str(sources[0])], capture_output=True, check=True)  # profile
    timed = sources[:len(sources) if each_n is None else each_n]
    started = time.perf_counter()
    for source in timed:
        subprocess.run(command + [str(source)], capture_output=True, check=True)
    return (time.perf_counter() - started) * 1000 / len(timed)


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


def profile(files: list[Path], top: int, pdf: bool = False) -> None:
    """The per-document path (prepare + render; with ``pdf``, + pdf_plan + finalize of
    PDFs LibreOffice converted beforehand, outside the profile), profiled; caches warm,
    as in a batch."""
    from contratgen.pipeline import finalize, pdf_plan
    render_document(prepare(files[0]))
    raws = {}
    if pdf:
        from contratgen.pdf.workers import Converter
        with Converter(workers=2, warm=True) as converter:
            raws = dict(zip(files, (pdf for _, pdf in converter.convert_many(
                (path.name, render_document(prepare(path))) for path in files))))
    profiler = cProfile.Profile()
    profiler.enable()
    for path in files:
        prepared = prepare(path)
        render_document(prepared)
        if pdf:
            finalize(pdf_plan(prepared), raws[path])
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    what = "prepare + render_document" + (" + pdf_plan + finalize" if pdf else "")
    print(f"\nprofile of {len(files)} documents ({what}), by own time:")
    stats.sort_stats("tottime").print_stats(top)
    print("by cumulative time:")
    stats.sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=500, help="DOCX documents (default 500)")
    parser.add_argument("--pdf", action="store_true", help="also the PDF benchmark")
    parser.add_argument("--pdf-n", type=int, default=100)
    parser.add_argument("--pdf-each-n", type=int, default=20,
                        help="documents timed for the one-soffice-per-document baseline")
    parser.add_argument("--memory-n", type=int, default=2000,
                        help="documents for the peak memory run, compared with a tenth as "
                             "many (0: skip)")
    parser.add_argument("--no-node", action="store_true", help="skip docxtemplater")
    parser.add_argument("--no-results", action="store_true", help="do not append RESULTS.md")
    parser.add_argument("--profile", action="store_true", help="profile one document's path")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--pdf-only", action="store_true",
                        help="only the PDF benchmark (no DOCX, single build or memory run)")
    parser.add_argument("--before", type=Path, default=None,
                        help="a checkout of an earlier contratgen: its batch -j 1 --format "
                             "docx and -j 2 --format pdf measured in the same run, "
                             "interleaved with ours")
    parser.add_argument("--quick", action="store_true",
                        help="a few documents of each kind, so CI sees the benchmark run")
    args = parser.parse_args()
    if args.quick:
        args.n, args.pdf_n, args.memory_n = 20, 4, 50
    lines: list[str] = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    work = Path(tempfile.mkdtemp(prefix="contratgen-bench-"))
    try:
        if args.pdf_only:
            folder = write_contracts(work / "clients", args.pdf_n)
            files = sorted(folder.glob("*.yaml"))
            prepare(files[0])
            pdf_benchmark(files, work, say, args.pdf_each_n, args.before)
            if not args.no_results:
                say(f"(appended to {append_results(lines, _args_for_results(args))})")
            if args.profile:
                profile(files[:200], args.top, pdf=True)
            return
        folder = write_contracts(work / "clients", args.n)
        files = sorted(folder.glob("*.yaml"))
        prepare(files[0])   # library and template caches: both sides start warm
        naive = best_of(2, lambda i: naive_docx(files, work / f"naive{i}"))
        if args.before is None:
            ours = best_of(3, lambda i: batch_ms(folder, work / f"batch{i}", 1, ("docx",)))
        else:   # interleaved: the machine's load falls on both alike
            runs: dict[str, list[float]] = {"ours": [], "before": []}
            for i in range(3):
                os.sync()
                runs["before"].append(before_batch_ms(args.before, folder,
                                                      work / f"before-docx{i}", 1,
                                                      ("docx",))[0])
                os.sync()
                runs["ours"].append(batch_ms(folder, work / f"batch{i}", 1, ("docx",)))
            ours, earlier = min(runs["ours"]), min(runs["before"])
        say(f"DOCX, {args.n} documents, one process:")
        say(f"  naive docxtpl loop        {naive:8.2f} ms/doc")
        if args.before is not None:
            say(f"  batch -j 1, before        {earlier:8.2f} ms/doc  ({args.before})")
        say(f"  batch -j 1 --format docx  {ours:8.2f} ms/doc")
        if args.before is not None:
            say(f"  ours / before             {ours / earlier:8.2f}x   (target <= 1.5x)")
        say(f"  naive / ours              {naive / ours:8.1f}x")
        modules = None if args.no_node else docxtemplater_ready(CACHE / "node")
        if modules is None:
            say("  docxtemplater             skipped (no node/npm, or the install failed)")
        else:
            first = prepare(files[0])
            template = docxtemplater_template(render_document(first),
                                              first.client.document.number,
                                              work / "docxtemplater-template.docx")
            theirs = best_of(3, lambda i: docxtemplater_ms(
                modules, template, work / f"docxtemplater{i}", args.n))
            say(f"  docxtemplater (node)      {theirs:8.2f} ms/doc  (the same contract, "
                "parsed, rendered, zipped, written)")
            say(f"  ours / docxtemplater      {ours / theirs:8.2f}x   (target <= 1.0x)")
        cores = os.cpu_count() or 1
        if cores > 1:
            parallel = best_of(2, lambda i: batch_ms(folder, work / f"batch-j{i}", cores,
                                                     ("docx",)))
            say(f"  batch -j {cores} --format docx  {parallel:8.2f} ms/doc "
                f"({naive / parallel:.1f}x naive)")
        empty, single = single_build_vs_pass(work / "single")
        say(f"single build --format docx  {single:6.0f} ms, python -c pass {empty:4.0f} ms: "
            f"{single / empty:.1f}x   (target <= 20x)")
        if args.pdf:
            pdf_benchmark(files[:args.pdf_n], work, say, args.pdf_each_n, args.before)
        if args.memory_n:
            small_n = max(args.memory_n // 10, 1)
            small = peak_memory_mb(write_contracts(work / "memory-small", small_n),
                                   work / "memory-small-out")
            big = peak_memory_mb(write_contracts(work / "memory", args.memory_n),
                                 work / "memory-out")
            say(f"memory, batch -j 1 --format docx: peak RSS {small:.0f} MB at {small_n}, "
                f"{big:.0f} MB at {args.memory_n}: {big / small:.2f}x   (target <= 1.10x)")
        if not args.no_results:
            say(f"(appended to {append_results(lines, _args_for_results(args))})")
        if args.profile:
            profile(files[:200 if not args.pdf else min(args.pdf_n, 200)], args.top, args.pdf)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _args_for_results(args) -> dict:
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}


BEFORE_CHILD = """
import contextlib, os, sys, time
from pathlib import Path
from contratgen.batch import BatchConfig, run_batch
from contratgen.pipeline import prepare
folder, out = Path(sys.argv[1]), Path(sys.argv[2])
prepare(sorted(folder.glob("*.yaml"))[0])   # caches warm, as in the parent
jobs, formats = int(sys.argv[3]), tuple(sys.argv[4].split(","))
config = BatchConfig(inputs=(str(folder),), out_dir=out, jobs=jobs, formats=formats)
import resource
n = len(list(folder.glob("*.yaml")))
cpu = lambda who: (lambda r: r.ru_utime + r.ru_stime)(resource.getrusage(who))
before = cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
started = time.perf_counter()
with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet), \\
        contextlib.redirect_stderr(quiet):
    code = run_batch(config)
elapsed = time.perf_counter() - started
print(code, elapsed * 1000 / n, (cpu(resource.RUSAGE_SELF) - before[0]) * 1000 / n,
      (cpu(resource.RUSAGE_CHILDREN) - before[1]) * 1000 / n)
"""


def before_batch_ms(checkout: Path, folder: Path, out: Path, jobs: int = 2,
                    formats: tuple[str, ...] = ("pdf",)) -> tuple[float, float, float]:
    """ms/doc of batch -j JOBS --format FORMATS with an earlier checkout, timed inside a
    child process (its imports and caches warmed before the clock starts, as ours are),
    and the CPU ms/doc of its own process and of LibreOffice (its children)."""
    run = subprocess.run([sys.executable, "-c", BEFORE_CHILD, str(folder), str(out),
                          str(jobs), ",".join(formats)],
                         capture_output=True, text=True, cwd=checkout,
                         env=dict(os.environ, PYTHONPATH=str(checkout)))
    code, *figures = run.stdout.split()[-4:] if run.stdout.split() else ("?",)
    if code != "0":
        raise SystemExit(f"the earlier batch failed: {run.stderr[-2000:]}")
    return tuple(float(f) for f in figures)


def cpu_ms(who) -> float:
    usage = resource.getrusage(who)
    return (usage.ru_utime + usage.ru_stime) * 1000


class WorkerClock:
    """When each LibreOffice worker of a batch became ready, after the batch started."""

    def __init__(self):
        self.ready: list[float] = []
        self.started = 0.0

    @contextlib.contextmanager
    def watching(self):
        from contratgen.pdf import office_worker
        original = office_worker.OfficeWorker._start
        clock = self

        def timed(worker):
            original(worker)
            clock.ready.append(time.perf_counter() - clock.started)
        office_worker.OfficeWorker._start = timed
        try:
            yield
        finally:
            office_worker.OfficeWorker._start = original


def pdf_benchmark(pdf_files: list[Path], work: Path, say, each_n: int,
                  before: Path | None = None) -> None:
    from contratgen.pdf.workers import find_soffice
    pdf_folder = work / "pdf-clients"
    pdf_folder.mkdir()
    for path in pdf_files:
        shutil.copy(path, pdf_folder / path.name)
    one_each = naive_pdf(pdf_files, work / "naive-pdf", each_n)
    sources = sorted((work / "naive-pdf" / "docx").glob("*.docx"))
    one_call = best_of(2, lambda i: one_soffice_call_ms(find_soffice(), sources,
                                                        work / "naive-pdf"))
    clock = WorkerClock()

    cpu = []   # (own, LibreOffice) CPU ms/doc of our runs

    def ours(i: int) -> float:
        clock.ready.clear()
        own, children = cpu_ms(resource.RUSAGE_SELF), cpu_ms(resource.RUSAGE_CHILDREN)
        clock.started = time.perf_counter()
        with clock.watching():
            wall = batch_ms(pdf_folder, work / f"batch-pdf{i}", 2, ("pdf",))
        cpu.append(((cpu_ms(resource.RUSAGE_SELF) - own) / len(pdf_files),
                    (cpu_ms(resource.RUSAGE_CHILDREN) - children) / len(pdf_files)))
        return wall
    if before is None:
        pooled = best_of(2, ours)
    else:
        runs = {"ours": [], "before": []}
        for i in range(2):   # interleaved: the machine's load falls on both alike
            os.sync()
            runs["before"].append(before_batch_ms(before, pdf_folder, work / f"before-pdf{i}"))
            os.sync()
            runs["ours"].append(ours(i))
        pooled, earlier = min(runs["ours"]), min(r[0] for r in runs["before"])
        earlier_cpu = min(r[1] for r in runs["before"]), min(r[2] for r in runs["before"])
    say(f"PDF, {len(pdf_files)} documents:")
    if one_each is not None:
        say(f"  one soffice per document  {one_each:8.1f} ms/doc  (conversion only, first "
            f"{min(each_n, len(pdf_files))})")
    say(f"  one soffice call, N files {one_call:8.1f} ms/doc  (conversion only)")
    if before is not None:
        say(f"  batch -j 2, before        {earlier:8.1f} ms/doc  ({before}; "
            f"{earlier / one_call:.2f}x one call; CPU/doc: {earlier_cpu[0]:.1f} ms ours, "
            f"{earlier_cpu[1]:.1f} ms LibreOffice)")
    say(f"  batch -j 2 --format pdf   {pooled:8.1f} ms/doc  (render+convert+finalize; CPU/doc: "
        f"{min(c[0] for c in cpu):.1f} ms ours, {min(c[1] for c in cpu):.1f} ms LibreOffice)")
    say(f"  LibreOffice workers ready {', '.join(f'{t:.2f}' for t in sorted(clock.ready))} s "
        "after the batch started (last run)")
    if one_each is not None:
        say(f"  per-document / ours       {one_each / pooled:8.1f}x   (target >= 10x)")
    say(f"  ours / one call           {pooled / one_call:8.2f}x")
    if before is not None:
        say(f"  ours / before             {pooled / earlier:8.2f}x   (target <= 1.10x)")


if __name__ == "__main__":
    main()
