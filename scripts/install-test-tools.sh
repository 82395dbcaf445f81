#!/usr/bin/env bash
# Installs the external tools that prodlint's tests use, into .tools/ (npm,
# Go) or the system (apt), so that `make test` works on a fresh machine:
#
#   - @microsoft/sarif-multitool (npm): the reference SARIF validator.
#   - @action-validator/cli (npm): checks action.yml and the example
#     workflows against SchemaStore's schemas (e2e tests).
#   - actionlint (Go, .tools/bin): checks the example workflows (e2e tests).
#   - pre-commit, shellcheck, jq, git (apt): the pre-commit hook and GitHub
#     Action tests (e2e).
#   - goreleaser (Go, .tools/bin), only with PRODLINT_GORELEASER=1: building
#     it takes about 5 minutes on 2 cores; e2e's goreleaser check skips
#     without it.
#
# Tools that are already there at the pinned version are not installed
# again. Under CI=true a tool that cannot be installed is an error;
# elsewhere it is a warning, and the tests that need it skip with a message.
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned versions. actionlint and goreleaser must build with the Go of
# go.mod (1.26): goreleaser v2.16 and newer need a newer Go.
ACTIONLINT_VERSION=v1.7.12
ACTION_VALIDATOR_VERSION=0.6.0
GORELEASER_VERSION=v2.15.1

tools=${PRODLINT_TOOLS:-$PWD/.tools}

fail() {
	if [ "${CI:-}" = "true" ]; then
		echo "install-test-tools: $*" >&2
		exit 1
	fi
	echo "install-test-tools: warning: $* (tests that need it will skip)" >&2
}

apt_install() {
	[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
	if [ -z "${APT_UPDATED:-}" ]; then
		apt-get update -qq >/dev/null && APT_UPDATED=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# System packages: one apt-get run for whatever is missing.
missing=()
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
command -v git >/dev/null 2>&1 || missing+=(git)
command -v jq >/dev/null 2>&1 || missing+=(jq)
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
command -v pre-commit >/dev/null 2>&1 || missing+=(pre-commit)
if [ ${#missing[@]} -gt 0 ]; then
	echo "install-test-tools: apt-get install ${missing[*]}" >&2
	apt_install "${missing[@]}" || true
	for tool in npm git jq shellcheck pre-commit; do
		command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed: apt-get install -y ${tool/npm/nodejs npm}"
	done
fi

# npm packages.
if command -v npm >/dev/null 2>&1; then
	./scripts/sarif-validate.sh --install || fail "cannot install @microsoft/sarif-multitool"

	validator=$tools/node_modules/@action-validator/cli
	validator_installed() {
		[ -x "$tools/node_modules/.bin/action-validator" ] &&
			[ "$(node -p 'require(process.argv[1]).version' "$validator/package.json" 2>/dev/null)" = "$ACTION_VALIDATOR_VERSION" ]
	}
	if ! validator_installed; then
		echo "install-test-tools: installing @action-validator/cli@$ACTION_VALIDATOR_VERSION into $tools" >&2
		mkdir -p "$tools"
		(
			# The lock sarif-validate.sh takes too.
			if command -v flock >/dev/null; then flock 9; fi
			npm install --prefix "$tools" --save-exact --no-audit --no-fund --loglevel=error \
				"@action-validator/cli@$ACTION_VALIDATOR_VERSION" "@action-validator/core@$ACTION_VALIDATOR_VERSION" >&2
		) 9>"$tools/.install.lock" || true
		validator_installed || fail "cannot install @action-validator/cli@$ACTION_VALIDATOR_VERSION"
	fi
else
	fail "npm is not installed: apt-get install -y nodejs npm"
fi

# Go tools, built from the Go module proxy into .tools/bin.
# go_tool NAME PACKAGE VERSION installs PACKAGE@VERSION unless .tools/bin/NAME
# is that version.
go_tool() {
	local name=$1 pkg=$2 version=$3 bin=$tools/bin/$1 start=$SECONDS
	if [ -x "$bin" ] && go version -m "$bin" 2>/dev/null | grep -q "^[[:space:]]mod[[:space:]].*[[:space:]]${version}[[:space:]]"; then
		return 0
	fi
	echo "install-test-tools: go install $pkg@$version into $tools/bin" >&2
	mkdir -p "$tools/bin"
	if GOBIN=$tools/bin GOTOOLCHAIN=local GOFLAGS=-buildvcs=false go install "$pkg@$version" >&2; then
		echo "install-test-tools: $name $version built in $((SECONDS - start)) s" >&2
	else
		fail "cannot build $name $version"
	fi
}
if command -v go >/dev/null 2>&1; then
	go_tool actionlint github.com/rhysd/actionlint/cmd/actionlint "$ACTIONLINT_VERSION"
	if [ "${PRODLINT_GORELEASER:-}" = 1 ]; then
		go_tool goreleaser github.com/goreleaser/goreleaser/v2 "$GORELEASER_VERSION"
	fi
else
	fail "go is not on PATH"
fi
