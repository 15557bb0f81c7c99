#!/usr/bin/env bash
# Proves the install: build the wheel, install it in a fresh venv with the locked versions,
# and use it from an empty folder — nothing of the source tree is on the path there.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
python=${1:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$python" -m pip wheel -q --disable-pip-version-check --no-deps -w "$work/dist" "$repo"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q --disable-pip-version-check \
  -c "$repo/constraints.txt" "$work"/dist/contratgen-*.whl
mkdir "$work/empty" && cd "$work/empty"
export PATH="$work/venv/bin:$PATH"
set -x
contratgen --version
python -m contratgen --version
contratgen lint
contratgen clauses >/dev/null
contratgen init quote --consumer -o x.yaml
contratgen check x.yaml
cp "$repo/samples/contract-b2b.yaml" .
contratgen build contract-b2b.yaml --format docx -o out
test -s out/CT-2026-0042.docx
if command -v soffice >/dev/null; then
  contratgen build contract-b2b.yaml --format pdf -o out && test -s out/CT-2026-0042.pdf
fi
contratgen schema client >/dev/null
# the vendored official rules travel in the wheel: a payment's lifecycle message is checked
cp "$repo/samples/contract-b2b-invoiced.yaml" deal.yaml
contratgen paid deal.yaml --invoice FA-2026-0131 --amount 100 --date 2026-06-01 -o status
ls status/*_212_*.xml
set +x
echo "smoke-wheel: ok"
