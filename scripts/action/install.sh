#!/usr/bin/env bash
# install.sh builds prodlint for the GitHub Action (action.yml): from the
# action's own source (the tag or commit the workflow's "uses:" names), or,
# with INPUT_VERSION, "go install github.com/prodlint/prodlint/cmd/prodlint@VERSION"
# through the Go module proxy. It never downloads a prebuilt binary.
#
# Environment: GITHUB_ACTION_PATH (the action's source), RUNNER_TEMP,
# GITHUB_OUTPUT, INPUT_VERSION, ACTION_REF (github.action_ref, stamped into
# "prodlint version"). Writes the output "bin", the binary's path.
set -euo pipefail

die() {
	echo "::error title=prodlint::$*"
	exit 2
}

src=${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
dest=${RUNNER_TEMP:-${TMPDIR:-/tmp}}/prodlint-action/bin
exe=prodlint
case ${RUNNER_OS:-$(uname -s)} in
Windows | MINGW* | MSYS* | CYGWIN*) exe=prodlint.exe ;;
esac
mkdir -p "$dest"
command -v go >/dev/null || die "go is not on PATH (the action installs it with actions/setup-go)"

start=$SECONDS
if [[ -n ${INPUT_VERSION:-} ]]; then
	echo "prodlint: go install github.com/prodlint/prodlint/cmd/prodlint@$INPUT_VERSION"
	GOBIN=$dest go install -trimpath -ldflags="-s -w" \
		"github.com/prodlint/prodlint/cmd/prodlint@$INPUT_VERSION" ||
		die "go install github.com/prodlint/prodlint/cmd/prodlint@$INPUT_VERSION failed"
else
	[[ -f $src/go.mod ]] || die "$src has no go.mod: the action's source is incomplete"
	ldflags="-s -w"
	if [[ -n ${ACTION_REF:-} ]]; then
		ldflags+=" -X main.version=$ACTION_REF"
	fi
	echo "prodlint: building from $src${ACTION_REF:+ ($ACTION_REF)}"
	(cd "$src" && go build -trimpath -buildvcs=false -ldflags="$ldflags" -o "$dest/$exe" ./cmd/prodlint) ||
		die "go build ./cmd/prodlint failed"
fi
echo "prodlint: installed in $((SECONDS - start)) s: $("$dest/$exe" version)"
if [[ -n ${GITHUB_OUTPUT:-} ]]; then
	echo "bin=$dest/$exe" >>"$GITHUB_OUTPUT"
fi
