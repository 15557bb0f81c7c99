#!/usr/bin/env bash
# One-time set-up on a fresh Debian machine (run as root, or with sudo available):
# LibreOffice Writer (headless) with its Python-UNO bridge, fonts, qpdf and poppler-utils
# from apt when missing, then the package with its test extras.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
[ -e /usr/lib/python3/dist-packages/uno.py ] || need+=(python3-uno)
fc-list 2>/dev/null | grep -qi "Liberation Sans" || need+=(fonts-liberation)
fc-list 2>/dev/null | grep -qi "Carlito" || need+=(fonts-crosextra-carlito)
command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "setup: installing ${need[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
python3 -m pip install -q -e ".[test,dask]"
