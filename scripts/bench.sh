#!/usr/bin/env bash
# bench.sh — time the real prodlint binary on the synthetic benchmark
# repository (200 Helm charts, 300 kustomize overlays over 50 bases, 20
# folders of plain manifests; see cmd/prodlint/bench_test.go) and on
# testdata/example-repo, and print a table.
#
#   scripts/bench.sh                 3 runs of each, the median shown
#   RUNS=5 scripts/bench.sh
#   KEEP=1 scripts/bench.sh          keep the work folder (binary, repository, logs)
#
# Each run is measured with GNU time (/usr/bin/time -v): wall clock, user
# and system CPU, peak resident memory. On a shared machine, compare CPU
# time rather than wall time: the load average is printed with the results.
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}

if [ ! -x /usr/bin/time ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "installing GNU time (Debian package time)" >&2
		apt-get install -y -qq time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
	else
		echo "bench.sh needs GNU time at /usr/bin/time (Debian: apt-get install time)" >&2
		exit 2
	fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/prodlint-bench.XXXXXX")
if [ "${KEEP:-}" = 1 ]; then
	echo "work folder: $work" >&2
else
	trap 'rm -rf "$work"' EXIT
fi

echo "building prodlint" >&2
go build -o "$work/prodlint" ./cmd/prodlint

echo "generating the synthetic repository" >&2
gen=$(go test -count=1 -v -run '^TestGenerateBenchRepo$' ./cmd/prodlint -args -benchrepo.out "$work/repo")
base=$(printf '%s\n' "$gen" | sed -n 's/^benchrepo .* base \([0-9a-f]\{40\}\)$/\1/p')
if [ -z "$base" ]; then
	printf '%s\n' "$gen" >&2
	echo "bench.sh: the generator did not print the base commit" >&2
	exit 1
fi

mkdir -p "$work/example-repo/.git"
cp -R testdata/example-repo/. "$work/example-repo/"

# measure NAME ARGS...: run prodlint RUNS times; prints
# "wall user+sys rss_mb" of each run, one per line, into $work/NAME.runs.
measure() {
	local name=$1
	shift
	: >"$work/$name.runs"
	for i in $(seq "$RUNS"); do
		local log="$work/$name.$i.time"
		local code=0
		/usr/bin/time -v -o "$log" "$work/prodlint" "$@" >"$work/$name.out" 2>"$work/$name.err" || code=$?
		if [ "$code" -gt 1 ]; then
			echo "bench.sh: prodlint $* exited $code:" >&2
			cat "$work/$name.err" >&2
			exit 1
		fi
		awk -F': ' '
			/Elapsed \(wall clock\)/ { n = split($2, t, ":"); wall = (n == 3) ? t[1]*3600 + t[2]*60 + t[3] : t[1]*60 + t[2] }
			/User time \(seconds\)/ { user = $2 }
			/System time \(seconds\)/ { sys = $2 }
			/Maximum resident set size/ { rss = $2 / 1024 }
			END { printf "%.3f %.3f %.1f\n", wall, user + sys, rss }' "$log" >>"$work/$name.runs"
	done
}

# median COLUMN NAME: the median of a column of NAME's runs.
median() {
	sort -g -k"$1","$1" "$work/$2.runs" | awk -v c="$1" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'
}

echo "timing ($RUNS runs each)" >&2
measure full lint --format json "$work/repo"
measure one lint --base "$base" --format json "$work/repo"
measure example lint --format json "$work/example-repo"

targets() { grep -o '"targets": [0-9]*' "$work/$1.out" | head -1 | grep -o '[0-9]*$' || echo "?"; }

printf '\nprodlint %s, %s, %s cores (%s), load average %s\n\n' \
	"$(git rev-parse --short HEAD 2>/dev/null || echo '?')" "$(go version | awk '{print $3}')" "$(nproc)" \
	"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %8s %10s %14s %10s\n' "run (median of $RUNS)" targets "wall s" "user+sys s" "peak MiB"
for n in full one example; do
	case $n in
	full) label="full lint, synthetic repo" ;;
	one) label="--base, one chart's values.yaml" ;;
	example) label="full lint, testdata/example-repo" ;;
	esac
	printf '%-34s %8s %10s %14s %10s\n' "$label" "$(targets $n)" "$(median 1 $n)" "$(median 2 $n)" "$(median 3 $n)"
done
awk -v a="$(median 1 one)" -v b="$(median 1 full)" -v c="$(median 2 one)" -v d="$(median 2 full)" \
	'BEGIN { printf "\none-chart --base / full: %.1f %% of the wall time, %.1f %% of the CPU time\n\n", 100*a/b, 100*c/d }'
