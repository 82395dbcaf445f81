#!/usr/bin/env bash
# corpus.sh — measure prodlint on the real-world corpus (not part of the test suite).
#
#   scripts/corpus.sh [CORPUS]        (default: ../shared/corpus, relative to the repository root)
#
# 1. Builds prodlint.
# 2. Renders and lints every row of CORPUS/targets.tsv with prodlint's renderers, one target and one Helm values
#    file at a time (scripts/corpus/main.go), and prints per row: status, rendered objects against the count the
#    real helm and kustomize give (targets.tsv), findings, render time. Kustomize bases and each values file are
#    rows of their own, which `prodlint lint` does not show one by one.
# 3. Runs the real CLI (`prodlint lint --format json`) on every repository folder of the corpus, as a user would,
#    and prints its exit code, time, peak memory, targets, objects, findings and render errors.
#
# Environment:
#   OUT   folder for the reports (default: a temporary folder, printed at the end): rows.tsv, rows.md,
#         findings.tsv (every finding of step 2), cli-<folder>.json (step 3)
#
# Exit status: 0 when every row renders as targets.tsv expects with the expected object count and nothing panics,
# 1 otherwise, 2 on usage errors.
set -uo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-$here/../shared/corpus}
if [[ ! -f "$corpus/targets.tsv" ]]; then
  echo "usage: $0 [CORPUS]   (CORPUS must contain targets.tsv; default ../shared/corpus)" >&2
  exit 2
fi
corpus=$(cd "$corpus" && pwd)
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false

cd "$here" || exit 2
echo "# building prodlint" >&2
go build -o "$out/prodlint" ./cmd/prodlint || exit 2

echo "# step 2: every row of targets.tsv" >&2
rc=0
go run scripts/corpus/main.go -corpus "$corpus" -findings "$out/findings.tsv" >"$out/rows.tsv" || rc=1
go run scripts/corpus/main.go -corpus "$corpus" -md >"$out/rows.md" 2>/dev/null
grep -v '^# summary' "$out/rows.tsv" | { column -t -s $'\t' 2>/dev/null || cat; }
grep '^# summary' "$out/rows.tsv"

echo
echo "# step 3: prodlint lint --format json on each repository folder"
printf '# folder\texit\twall_s\tpeak_MB\ttargets\tobjects\tfindings\terrors\n'
have_time=0; [[ -x /usr/bin/time ]] && have_time=1
for dir in "$corpus"/*/; do
  name=$(basename "$dir")
  json="$out/cli-$name.json"
  if [[ $have_time == 1 ]]; then
    /usr/bin/time -o "$out/time-$name" -f '%e %M' "$out/prodlint" lint --format json --fail-on none "$dir" >"$json" 2>"$out/cli-$name.err"
    code=$?
    read -r wall kb < <(tail -1 "$out/time-$name")
  else
    start=$(date +%s.%N)
    "$out/prodlint" lint --format json --fail-on none "$dir" >"$json" 2>"$out/cli-$name.err"
    code=$?
    wall=$(echo "$(date +%s.%N) - $start" | bc); kb=0
  fi
  summary=$(python3 - "$json" <<'PY' 2>/dev/null || echo "-	-	-	-"
import json, sys
r = json.load(open(sys.argv[1]))
s = r["summary"]
print("%d\t%d\t%d\t%d" % (s["targets"], s["objects"], s["findings"], len(r["errors"])))
PY
)
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$code" "$wall" "$((kb / 1024))" "$summary"
  # A panic is always a bug, whatever the exit code.
  if grep -q "internal error" "$json" "$out/cli-$name.err"; then
    echo "  PANIC in $name: see $json" >&2
    rc=1
  fi
done

echo
echo "# reports in $out (rows.tsv, rows.md, findings.tsv, cli-*.json)"
exit $rc
