#!/usr/bin/env bash
# Regenerates the option tables of docs/configuration.md from the binary
# (`sessionrec --config-reference`), between the GENERATED markers, so the list cannot
# drift from the code. Usage: scripts/gen-config-docs.sh [path/to/sessionrec]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-build/src/sessionrec}"
doc=docs/configuration.md
begin='<!-- BEGIN GENERATED: sessionrec --config-reference -->'
end='<!-- END GENERATED -->'
grep -qF "$begin" "$doc" && grep -qF "$end" "$doc" || { echo "$doc: markers missing" >&2; exit 1; }
ref="$(mktemp)"
trap 'rm -f "$ref" "$doc.tmp"' EXIT
env -u SESSIONREC_CONFIG "$bin" --config-reference >"$ref"
awk -v b="$begin" -v e="$end" -v ref="$ref" '
  $0 == b { print; while ((getline line < ref) > 0) print line; skip = 1; next }
  $0 == e { skip = 0 }
  !skip { print }' "$doc" >"$doc.tmp"
mv "$doc.tmp" "$doc"
echo "updated $doc from $bin"
