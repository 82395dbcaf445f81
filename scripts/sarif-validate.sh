#!/usr/bin/env bash
# sarif-validate.sh validates SARIF files with Microsoft's SARIF Multitool,
# the reference validator, running both the SARIF rules and the GitHub
# Advanced Security ingestion rules. It fails on any error or warning.
#
# Usage:
#   scripts/sarif-validate.sh FILE...       validate (installs the tool if missing)
#   scripts/sarif-validate.sh --install     install the tool only
#   scripts/sarif-validate.sh --installed   exit 0 if the tool is installed, 1 if not
#
# The tool is the npm package @microsoft/sarif-multitool at a pinned version,
# installed into $PRODLINT_TOOLS (default: .tools/ at the repository root,
# which git ignores). Needs node and npm.
#
# Exit status: 0 when every file is clean, 1 when the validator reported an
# error or a warning, 2 on a usage error or when the validator could not run.
set -euo pipefail

# Pinned: the validator's rules change between releases. To upgrade, check
# `npm view @microsoft/sarif-multitool version`, change this line and run the
# sarif package tests.
MULTITOOL_VERSION=5.7.0

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools=${PRODLINT_TOOLS:-$root/.tools}

die() {
	echo "sarif-validate: $*" >&2
	exit 2
}

case "$(uname -s)" in
Linux) platform=linux exe=Sarif.Multitool ;;
Darwin) platform=darwin exe=Sarif.Multitool ;;
MINGW* | MSYS* | CYGWIN*) platform=win32 exe=Sarif.Multitool.exe ;;
*) die "unsupported platform $(uname -s)" ;;
esac
# The npm package is a launcher (bin.js) that spawns the platform package's
# binary through a shell, which splits the ";" of --rule-kind "Sarif;Ghas".
# Run the binary directly instead.
pkg=$tools/node_modules/@microsoft/sarif-multitool-$platform
bin=$pkg/$exe

installed() {
	[[ -f $bin && -f $pkg/package.json ]] || return 1
	local v
	v=$(node -p 'require(process.argv[1]).version' "$pkg/package.json" 2>/dev/null) || return 1
	[[ $v == "$MULTITOOL_VERSION" ]]
}

install() {
	installed && return 0
	command -v npm >/dev/null || die "npm is needed to install @microsoft/sarif-multitool"
	mkdir -p "$tools"
	echo "sarif-validate: installing @microsoft/sarif-multitool@$MULTITOOL_VERSION into $tools" >&2
	# Pin the platform package too: the launcher depends on it with a caret
	# range. A lock keeps parallel test processes from installing at once.
	(
		if command -v flock >/dev/null; then flock 9; fi
		installed && exit 0
		npm install --prefix "$tools" --save-exact --no-audit --no-fund --loglevel=error \
			"@microsoft/sarif-multitool@$MULTITOOL_VERSION" \
			"@microsoft/sarif-multitool-$platform@$MULTITOOL_VERSION" >&2
	) 9>"$tools/.install.lock" || die "npm install failed"
	# The package's postinstall makes the binary executable; npm may skip
	# install scripts.
	[[ -x $bin ]] || chmod u+x "$bin"
	installed || die "installed, but $bin is missing or not version $MULTITOOL_VERSION"
}

[[ $# -gt 0 ]] || die "usage: $0 FILE... | --install | --installed"
case $1 in
--install)
	install
	exit 0
	;;
--installed)
	installed
	exit
	;;
-h | --help)
	sed -n '2,/^set -e/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
	exit 0
	;;
-*) die "unknown option $1" ;;
esac

files=()
for f in "$@"; do
	[[ -f $f ]] || die "$f: no such file"
	files+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")")
done
command -v node >/dev/null || die "node is needed"
install

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/validation.sarif
# --level limits the report to errors and warnings (notes are advice such
# as "provide code snippets"). Files over 10 MB are skipped by default, so the
# limit is raised (GitHub's 10 MB limit is on the gzipped upload). The exit
# code does not tell whether anything was found, so the output log is read
# below.
status=0
"$bin" validate --rule-kind "Sarif;Ghas" --level "Error;Warning" --max-file-size-in-kb 2097152 --output "$out" "${files[@]}" || status=$?
[[ -f $out ]] || die "the SARIF Multitool wrote no log (exit status $status)"

# Count the validator's findings by level. A result or notification without a
# level has its rule's default level, else "warning" (SARIF §3.27.10, §3.58.6).
# A failed run or an error notification (a file that cannot be read) is a
# tool error.
node - "$out" "$status" <<'EOF'
const fs = require("fs");
const [out, status] = process.argv.slice(2);
const log = JSON.parse(fs.readFileSync(out, "utf8"));
let errors = 0, warnings = 0, toolErrors = Number(status) === 0 ? 0 : 1;
for (const run of log.runs || []) {
  const rules = (run.tool && run.tool.driver && run.tool.driver.rules) || [];
  for (const r of run.results || []) {
    if (r.kind && r.kind !== "fail") continue;
    const rule = rules[r.ruleIndex];
    const level = r.level || (rule && rule.defaultConfiguration && rule.defaultConfiguration.level) || "warning";
    if (level === "error") errors++;
    else if (level === "warning") warnings++;
  }
  for (const inv of run.invocations || []) {
    if (inv.executionSuccessful === false) toolErrors++;
    for (const n of [...(inv.toolConfigurationNotifications || []), ...(inv.toolExecutionNotifications || [])]) {
      const level = n.level || "warning";
      if (level !== "error" && level !== "warning") continue;
      if (level === "error") toolErrors++;
      else warnings++;
      console.error(`sarif-validate: tool ${level}: ` + ((n.message && n.message.text) || JSON.stringify(n)));
    }
  }
}
console.log(`sarif-validate: ${errors} error(s), ${warnings} warning(s)` +
  (toolErrors ? `, ${toolErrors} tool error(s)` : ""));
process.exit(toolErrors ? 2 : errors + warnings ? 1 : 0);
EOF
