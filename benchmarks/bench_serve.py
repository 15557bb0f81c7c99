"""Warm mode (docs/SERVE.md): one `build --format pdf`, and the preview's first render,
without a server and with a warm `contratgen serve`, measured in the same run (and a
`build --format docx`, the floor a warm PDF build can reach).

    python benchmarks/bench_serve.py [--repeat 5] [--sample contract-b2b.yaml]

Whole processes, as a user runs them; the runs alternate (cold, warm, cold, warm …) so a
load change on the machine hits both; medians are printed. The server runs in a
temporary XDG_RUNTIME_DIR and is stopped at the end, whatever happens.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_PAGES = re.compile(r": ok, \d+ pages?")


def run_build(env: dict, sample: Path, out: Path, fmt: str = "pdf") -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "contratgen.cli", "build", str(sample), "-o",
                    str(out), "--format", fmt], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def first_render(env: dict, sample: Path, log: Path) -> float:
    """Seconds from launching `contratgen preview` to its first rendered pages."""
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "contratgen.cli", "preview",
                                    str(sample), "--port", "0"], env=env, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        while not _PAGES.search(log.read_text("utf-8", "replace")):
            if process.poll() is not None or time.perf_counter() - started > 120:
                raise RuntimeError(log.read_text("utf-8", "replace"))
            time.sleep(0.01)
        return time.perf_counter() - started
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sample", default="contract-b2b.yaml")
    args = parser.parse_args()
    sample = ROOT / "samples" / args.sample
    work = Path(tempfile.mkdtemp(prefix="cgbench-"))
    env = {**os.environ, "XDG_RUNTIME_DIR": str(work), "PYTHONPATH": str(ROOT)}
    cold_env = {**env, "CONTRATGEN_SERVE": "off"}
    server = subprocess.Popen([sys.executable, "-m", "contratgen.cli", "serve", "--idle",
                               "600"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        sys.path.insert(0, str(ROOT))
        from contratgen.serve.client import ping, request
        from contratgen.serve.place import runtime_place
        os.environ["XDG_RUNTIME_DIR"] = str(work)
        place = runtime_place()
        while ping(place) is None or not request(place, {"op": "status"})[0]["office_pids"]:
            time.sleep(0.05)
        run_build(env, sample, work / "w0")   # the server's first conversion: not counted
        cold, warm, docx, cold_preview, warm_preview = [], [], [], [], []
        for i in range(args.repeat):
            cold.append(run_build(cold_env, sample, work / f"c{i}"))
            warm.append(run_build(env, sample, work / f"w{i}"))
            docx.append(run_build(env, sample, work / f"d{i}", "docx"))
        for i in range(max(1, args.repeat // 2)):
            cold_preview.append(first_render(cold_env, sample, work / f"pc{i}.log"))
            warm_preview.append(first_render(env, sample, work / f"pw{i}.log"))
        name = sample.name
        same = all((work / f"c{i}" / p.name).read_bytes() == p.read_bytes()
                   for i in range(args.repeat) for p in (work / f"w{i}").glob("*.pdf"))
        for label, a, b in (("build --format pdf", cold, warm),
                            ("preview, first render", cold_preview, warm_preview)):
            m_cold, m_warm = statistics.median(a), statistics.median(b)
            print(f"{label:24} {name}: without server {m_cold:.2f} s, with a warm server "
                  f"{m_warm:.2f} s ({m_warm / m_cold:.2f}x; medians of {len(a)})")
        print(f"{'build --format docx':24} {name}: {statistics.median(docx):.2f} s (the same "
              "build without the conversion: the floor for a warm PDF build)")
        print(f"same PDF bytes with and without the server: {same}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=120)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
