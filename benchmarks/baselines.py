"""Baselines for bench_batch.py that are not contratgen: docxtemplater (node), one
``soffice --convert-to pdf`` call over many files, ``python -c pass``, peak memory."""
from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NPM_PACKAGES = ("docxtemplater@3", "pizzip@3")

NODE_SCRIPT = r"""
const fs = require("fs"), path = require("path");
const PizZip = require("pizzip"), Docxtemplater = require("docxtemplater");
const [template, outDir, count] = process.argv.slice(2);
const content = fs.readFileSync(template, "binary");
fs.mkdirSync(outDir, {recursive: true});
const started = process.hrtime.bigint();
for (let i = 0; i < Number(count); i++) {
  const doc = new Docxtemplater(new PizZip(content), {paragraphLoop: true, linebreaks: true});
  doc.render({number: `CT-BENCH-${String(i).padStart(5, "0")}`, total: `${1000 + i},00 €`});
  const out = doc.getZip().generate({type: "nodebuffer", compression: "DEFLATE"});
  fs.writeFileSync(path.join(outDir, `CT-BENCH-${i}.docx`), out);
}
console.log(Number(process.hrtime.bigint() - started) / 1e6 / Number(count));
"""


def docxtemplater_ready(cache: Path) -> Path | None:
    """node_modules with docxtemplater and pizzip, installed once into ``cache``; None
    (the comparison skipped) without node/npm or when the install fails or is slow."""
    if not (shutil.which("node") and shutil.which("npm")):
        return None
    modules = cache / "node_modules"
    if not (modules / "docxtemplater").is_dir() or not (modules / "pizzip").is_dir():
        cache.mkdir(parents=True, exist_ok=True)
        try:
            subprocess.run(["npm", "install", "--prefix", str(cache), "--no-audit", "--no-fund",
                            *NPM_PACKAGES], capture_output=True, timeout=180, check=True)
        except (subprocess.SubprocessError, OSError):
            return None
    return modules if (modules / "docxtemplater").is_dir() else None


def docxtemplater_template(docx: bytes, number: str, target: Path) -> Path:
    """The reference contract as contratgen rendered it, its document number made a
    ``{number}`` tag: docxtemplater parses and zips the whole contract, as ours does."""
    with zipfile.ZipFile(__import__("io").BytesIO(docx)) as source, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.endswith((".xml", ".rels")):
                text = data.decode("utf-8").replace(number, "{number}")
                text = re.sub(r"\{(?!number\})", "(", text)   # no stray delimiters
                text = re.sub(r"(?<!\{number)\}", ")", text)
                data = text.encode("utf-8")
            out.writestr(item, data)
    return target


def docxtemplater_ms(modules: Path, template: Path, out: Path, count: int) -> float:
    script = out.parent / "docxtemplater-bench.js"
    script.write_text(NODE_SCRIPT)
    run = subprocess.run(["node", str(script), str(template), str(out), str(count)],
                         capture_output=True, text=True, check=True,
                         env=dict(os.environ, NODE_PATH=str(modules)))
    return float(run.stdout.split()[-1])


def one_soffice_call_ms(soffice: str, sources: list[Path], work: Path) -> float:
    """ms/doc: ONE ``soffice --convert-to pdf`` process converting every file in turn
    (a warm profile: a first call made it)."""
    profile = work / "profile-one-call"
    command = [soffice, "--headless", "--norestore", "--nolockcheck",
               f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "pdf",
               "--outdir", str(work / "pdf-one-call")]
    subprocess.run(command + [str(sources[0])], capture_output=True, check=True)
    started = time.perf_counter()
    subprocess.run(command + [str(s) for s in sources], capture_output=True, check=True)
    return (time.perf_counter() - started) * 1000 / len(sources)


def single_build_vs_pass(out: Path, runs: int = 5) -> tuple[float, float]:
    """Medians (ms) of ``python -c pass`` and of ``python -m contratgen build
    samples/contract-b2b.yaml --format docx``, interleaved in one loop.

    Measured as an installed contratgen runs: its modules byte-compiled (pip compiles them
    at install; a source tree under ``PYTHONDONTWRITEBYTECODE=1`` would recompile ~70
    modules in every process), and after one untimed build (the on-disk caches filled, as
    after a user's first build)."""
    import compileall
    compileall.compile_dir(str(ROOT / "contratgen"), quiet=1)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "contratgen", "build", "samples/contract-b2b.yaml",
               "--format", "docx", "-o", str(out)]
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=True)
    empty, build = [], []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        empty.append(time.perf_counter() - started)
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=True)
        build.append(time.perf_counter() - started)
    return statistics.median(empty) * 1000, statistics.median(build) * 1000


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"nproc {os.cpu_count()}, {model}, Python {sys.version.split()[0]}"


def append_results(lines: list[str], args: dict) -> Path:
    target = ROOT / "benchmarks" / "RESULTS.md"
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    head = "" if target.exists() else "# Benchmark results (appended by bench_batch.py)\n"
    with open(target, "a", encoding="utf-8") as out:
        out.write(f"{head}\n## {stamp} — {machine()}\n\n`bench_batch.py "
                  f"{json.dumps(args, sort_keys=True)}`\n\n```\n" + "\n".join(lines) + "\n```\n")
    return target
