#!/usr/bin/env bash
# Installs the external tools that prodlint's tests use, into .tools/ (npm)
# or the system (apt), so that `make test` works on a fresh machine.
#
#   - @microsoft/sarif-multitool (npm): the reference SARIF validator.
#
# Under CI=true a tool that cannot be installed is an error; elsewhere it is a
# warning, and the tests that need it skip with a message.
set -euo pipefail
cd "$(dirname "$0")/.."

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

if ! command -v npm >/dev/null 2>&1; then
	apt_install nodejs npm || true
fi
if command -v npm >/dev/null 2>&1; then
	./scripts/sarif-validate.sh --install || fail "cannot install @microsoft/sarif-multitool"
else
	fail "npm is not installed: apt-get install -y nodejs npm"
fi
