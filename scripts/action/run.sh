#!/usr/bin/env bash
# run.sh is the lint step of the prodlint GitHub Action (action.yml); see
# docs/github-action.md. It runs in the step's working directory.
#
# It runs prodlint up to three times:
#   1. the change (--base, on pull requests) or everything, as JSON: the
#      outputs, the job summary and the exit status (--fail-on);
#   2. the same scope again for the log: --format github annotations, or text;
#   3. everything (never --base) to SARIF for code scanning. GitHub compares
#      a pull request's analysis with the base branch's analysis of the same
#      category, so a SARIF file of the changed targets only would show every
#      alert of the other targets as fixed.
# It does not fail for findings: it writes exit-code to $GITHUB_OUTPUT, and
# the action's last step fails after the SARIF upload. It exits 2 for a
# problem of its own (bad input, shallow clone, usage error).
#
# Environment (the action's inputs):
#   PRODLINT_BIN         the prodlint binary (default: prodlint on PATH)
#   INPUT_PATH           folder to lint (default .)
#   INPUT_BASE           base revision; empty: the pull request's base from
#                        the event ($GITHUB_EVENT_PATH), else lint everything;
#                        "none": lint everything
#   INPUT_CONFIG         configuration file (--config)
#   INPUT_KUBE_VERSION   --kube-version
#   INPUT_FAIL_ON        --fail-on (default warning)
#   INPUT_FORMAT         log output: auto (github annotations without SARIF
#                        upload, else nothing), github, text, json or none
#   INPUT_SARIF_FILE     SARIF file to write (default with upload:
#                        $RUNNER_TEMP/prodlint[-shard-I-of-N].sarif)
#   INPUT_UPLOAD_SARIF   true: write SARIF for the upload step
#   INPUT_CATEGORY       SARIF category (default prodlint; a shard adds
#                        /shard-I-of-N)
#   INPUT_SHARD          I/N: lint only that shard of the targets (--shard)
#   INPUT_ARGS           more prodlint lint flags, split at white space
#   PRODLINT_SUMMARY_MAX rows in the job summary's table (default 50)
# and GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_EVENT_PATH, RUNNER_TEMP,
# GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_SHA from the runner.
set -euo pipefail

die() {
	echo "::error title=prodlint::$*"
	exit 2
}

bin=${PRODLINT_BIN:-prodlint}
path=${INPUT_PATH:-.}
base=${INPUT_BASE:-}
fail_on=${INPUT_FAIL_ON:-warning}
format=${INPUT_FORMAT:-auto}
upload=${INPUT_UPLOAD_SARIF:-false}
sarif=${INPUT_SARIF_FILE:-}
category=${INPUT_CATEGORY:-prodlint}
shard=${INPUT_SHARD:-}
max_rows=${PRODLINT_SUMMARY_MAX:-50}
out=${GITHUB_OUTPUT:-/dev/null}
summary=${GITHUB_STEP_SUMMARY:-/dev/null}

command -v jq >/dev/null || die "jq is needed (it is on GitHub's hosted runners; on a self-hosted runner install it)"
command -v "$bin" >/dev/null || die "prodlint binary $bin not found"
case $upload in true | false) ;; *) die "upload-sarif \"$upload\": use true or false" ;; esac
case $format in auto | github | text | json | none) ;; *) die "format \"$format\": use auto, github, text, json or none" ;; esac
[[ $max_rows =~ ^[0-9]+$ ]] || die "PRODLINT_SUMMARY_MAX \"$max_rows\" is not a number"

help=$("$bin" lint --help 2>&1 || true)
supports() { grep -q -- "--$1[ =]" <<<"$help"; }

# Flags of every run.
common=()
if [[ -n ${INPUT_KUBE_VERSION:-} ]]; then
	common+=(--kube-version "$INPUT_KUBE_VERSION")
fi
if [[ -n ${INPUT_CONFIG:-} ]]; then
	supports config || die "this prodlint has no --config flag; remove the config input"
	[[ -f $INPUT_CONFIG ]] || die "config $INPUT_CONFIG: no such file"
	common+=(--config "$INPUT_CONFIG")
fi
if [[ -n $shard ]]; then
	if ! [[ $shard =~ ^([1-9][0-9]*)/([1-9][0-9]*)$ ]] || ((BASH_REMATCH[1] > BASH_REMATCH[2])); then
		die "shard \"$shard\": use I/N with 1 <= I <= N, such as 1/3"
	fi
	shard_i=${BASH_REMATCH[1]} shard_n=${BASH_REMATCH[2]}
	supports shard || die "this prodlint has no --shard flag"
	common+=(--shard "$shard")
	category+="/shard-$shard_i-of-$shard_n"
fi
if [[ -n ${INPUT_ARGS:-} ]]; then
	read -r -d '' -a extra <<<"$INPUT_ARGS" || true # every line, split at white space
	common+=("${extra[@]}")
fi

# The base revision: the input, else the pull request's (or merge group's)
# base commit from the event, else none (lint everything).
if [[ $base == none ]]; then
	base=
elif [[ -z $base && -n ${GITHUB_EVENT_PATH:-} && -f $GITHUB_EVENT_PATH ]]; then
	base=$(jq -r '.pull_request.base.sha // .merge_group.base_sha // empty' "$GITHUB_EVENT_PATH") ||
		die "cannot read the event $GITHUB_EVENT_PATH"
fi
if [[ -n $base ]]; then
	git rev-parse --git-dir >/dev/null 2>&1 || die "$PWD is not in a git repository; a base revision needs one (check out the repository first)"
	if [[ $(git rev-parse --is-shallow-repository) == true ]]; then
		die "the checkout is shallow, so the base revision $base and the merge base cannot be found: use actions/checkout with fetch-depth: 0"
	fi
	git rev-parse --verify --quiet "$base^{commit}" >/dev/null ||
		die "the base revision $base is not in the clone: use actions/checkout with fetch-depth: 0, or fetch it"
fi

tmp=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/prodlint.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# lint NAME FLAG...: runs prodlint on $path with the common flags, the
# output in $tmp/NAME.out; sets $rc. A usage error (exit 2) stops the script.
# (${a[@]+"${a[@]}"} expands an empty array under set -u in bash 3.2 too.)
lint() {
	local name=$1
	shift
	rc=0
	"$bin" lint ${common[@]+"${common[@]}"} "$@" "$path" >"$tmp/$name.out" || rc=$?
	if ((rc == 2)); then
		cat "$tmp/$name.out"
		die "prodlint stopped with a usage error (see above)"
	fi
}

scope=()
[[ -z $base ]] || scope=(--base "$base")

# 1. The change (or everything) as JSON.
report=$tmp/report.json
lint report ${scope[@]+"${scope[@]}"} --fail-on "$fail_on" --format json --output "$report"
exit_code=$rc
nothing=false
if [[ ! -f $report ]]; then
	# "nothing to lint: the change touches no ..."
	cat "$tmp/report.out"
	[[ $rc == 0 ]] || die "prodlint exited $rc without a report"
	nothing=true
	printf '{"summary":{"findings":0},"findings":[],"errors":[],"notes":[]}' >"$report"
fi

# 2. The log.
if [[ $format == auto ]]; then
	if [[ $upload == true ]]; then format=none; else format=github; fi
fi
if [[ $format != none && $nothing == false ]]; then
	lint log ${scope[@]+"${scope[@]}"} --fail-on none --color never --format "$format"
	cat "$tmp/log.out"
fi

# 3. Everything to SARIF.
if [[ -z $sarif && $upload == true ]]; then
	# prodlint.sarif, prodlint-shard-1-of-3.sarif, prodlint-CATEGORY.sarif
	sarif_name=${category//\//-}
	sarif_name=${sarif_name#prodlint}
	sarif_name=${sarif_name#-}
	sarif=${RUNNER_TEMP:-$PWD}/prodlint${sarif_name:+-$sarif_name}.sarif
fi
findings=
if [[ -n $sarif ]]; then
	[[ $sarif == /* || $sarif =~ ^[A-Za-z]:[\\/] ]] || sarif=$PWD/$sarif
	mkdir -p "$(dirname "$sarif")"
	lint sarif --fail-on none --format sarif --sarif-category "$category" --output "$sarif"
	[[ -f $sarif ]] || die "prodlint wrote no SARIF file (exit $rc)"
	if ((rc == 3)); then
		echo "::warning title=prodlint::some targets of the whole repository failed to render; the SARIF file lists them"
	fi
	findings=$(jq '[.runs[].results[]?] | length' "$sarif")
	if command -v cygpath >/dev/null; then sarif=$(cygpath -m "$sarif"); fi
fi
if [[ -z $findings ]]; then
	findings=$(jq '.findings | length' "$report")
fi
new_findings=$(jq '[.findings[] | select(.baselineState != "unchanged")] | length' "$report")

{
	echo "findings=$findings"
	echo "new-findings=$new_findings"
	echo "sarif-file=$sarif"
	echo "category=$category"
	echo "base=$base"
	echo "exit-code=$exit_code"
} >>"$out"

# The job summary.
link_base=
if [[ -n ${GITHUB_SERVER_URL:-} && -n ${GITHUB_REPOSITORY:-} && -n ${GITHUB_SHA:-} ]]; then
	link_base=$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/$GITHUB_SHA
fi
jq -r \
	--arg base "$base" --arg failOn "$fail_on" --argjson code "$exit_code" --argjson max "$max_rows" \
	--arg link "$link_base" --argjson total "$findings" --argjson nothing "$nothing" \
	--arg sarif "$sarif" --arg upload "$upload" --arg category "$category" --arg shard "$shard" '
def rank: {"error": 0, "warning": 1, "note": 2}[.] // 3;
def cell: tostring | gsub("\r?\n"; " ") | gsub("\\|"; "\\|") | gsub("<"; "&lt;");
def plural($n; $w): "\($n) \($w)" + (if $n == 1 then "" else "s" end);
def subject:
  (.object // {}) as $o
  | ([$o.namespace, $o.name] | map(select(. != null and . != "")) | join("/")) as $name
  | ([$o.kind, $name] | map(select(. != null and . != "")) | join(" "))
    + (if (.container // "") != "" then ", container \(.container)" else "" end);
def text:
  subject as $s
  | (if $s == "" then "" else $s + ": " end) + .message
    + (if (.hook // "") != "" then " (helm hook \(.hook))" else "" end)
    + (if (.variants // []) | length > 0 then " [\(.variants | map(if . == "" then "values.yaml" else . end) | join(", "))]" else "" end);
def where:
  .location as $l
  | "\($l.file):\($l.line // 1)" as $at
  | if $link == "" then "`\($at)`"
    else "[`\($at)`](\($link)/\($l.file | split("/") | map(@uri) | join("/"))#L\($l.line // 1))" end;
def counts:
  group_by(.severity) | sort_by(.[0].severity | rank)
  | map(plural(length; .[0].severity)) | join(", ");
[.findings[] | select(.baselineState != "unchanged")] as $new
| ($new | sort_by((.severity | rank), .location.file, (.location.line // 0))) as $rows
| (if $code == 0 then "✅" else "❌" end) as $mark
| (if $base != "" then " since `\($base[0:12])`" else "" end) as $since
| "### \($mark) prodlint\(if $shard != "" then " (shard \($shard))" else "" end)\n",
  (if $nothing then "The change\($since) touches no Helm chart, kustomization or Kubernetes manifest.\n"
   elif ($new | length) == 0 then "No \(if $base != "" then "new " else "" end)findings\($since).\n"
   else "**\(plural($new | length; if $base != "" then "new finding" else "finding" end))**\($since) (\($new | counts))."
     + (if $base != "" and (.summary.preExisting // 0) > 0 then " \(.summary.preExisting) pre-existing in the changed targets are not listed." else "" end)
     + "\n" end),
  (if ($rows | length) > 0 then
     "| Location | Rule | Severity | Message |", "|---|---|---|---|",
     ($rows[:$max][] | "| \(where) | `\(.rule)` | \(.severity) | \(text | cell) |"),
     (if ($rows | length) > $max then
        "\n… and \(($rows | length) - $max) more; `prodlint lint\(if $base != "" then " --base \($base[0:12])" else "" end)` lists them all.\n"
      else "" end)
   else empty end),
  (if (.errors | length) > 0 then
     "\n**\(plural(.errors | length; "target")) could not be rendered:**\n",
     (.errors[] | "- `\(.target)`: \(.message | cell)")
   else empty end),
  (if (.notes // [] | length) > 0 then "", (.notes[] | "- \(. | cell)") else empty end),
  "",
  (if $code == 0 then "Passed: nothing at or above `--fail-on \($failOn)`."
   elif $code == 1 then "Failed: findings at or above `--fail-on \($failOn)`."
   else "Failed: a target could not be rendered." end)
  + (if $sarif != "" then " The whole lint has \(plural($total; "finding"))"
       + (if $upload == "true" then ", uploaded to code scanning (category `\($category)`)." else ", in `\($sarif | split("/") | last)`." end)
     else "" end)
' "$report" >>"$summary"

echo "prodlint: $new_findings new of $findings findings${base:+ since $base}; exit status $exit_code (fail-on $fail_on)"
