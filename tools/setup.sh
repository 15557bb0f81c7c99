#!/usr/bin/env bash
# System packages contratgen needs, from apt only, each installed only when missing:
# LibreOffice Writer (headless) with its Python-UNO bridge, fonts, qpdf, poppler-utils,
# and python3-venv (Debian's python3 has no venv without it). Run as root or with sudo.
# The Python side goes into a virtual environment (see the Makefile): nothing here
# installs into the system Python, so PEP 668 ("externally managed") never refuses it.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
[ -e /usr/lib/python3/dist-packages/uno.py ] || need+=(python3-uno)
# fc-list's output is read whole: `fc-list | grep -q` exits 141 under pipefail when grep
# stops reading early, which looked like "missing" and re-ran apt-get
fonts=$(fc-list : family 2>/dev/null || true)
case "$fonts" in *"Liberation Sans"*) ;; *) need+=(fonts-liberation) ;; esac
case "$fonts" in *Carlito*) ;; *) need+=(fonts-crosextra-carlito) ;; esac
command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || need+=(python3-venv)
# --browser: Debian's Chromium, for the preview's browser test (CI passes it; elsewhere
# that test skips)
if [ "${1:-}" = "--browser" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "setup: installing ${need[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
