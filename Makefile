# prodlint — build and test.
#
#   make test      install the external tools the tests use, then vet and test everything
#   make build     build ./prodlint
#   make example   lint the bundled example repository

GO ?= go

.PHONY: test tools vet race build example bench fmt

test: tools vet race
	$(GO) test ./...

# The pipeline renders and checks targets in parallel: run the core packages
# and the CLI's multi-target tests under the race detector.
race:
	$(GO) test -race ./lint ./render/...
	$(GO) test -race -run 'TestGolden|TestChange|TestShards|TestConfig|TestLocations|TestGitOps' ./cmd/prodlint

tools:
	./scripts/install-test-tools.sh

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }

build:
	$(GO) build -o prodlint ./cmd/prodlint

example:
	$(GO) run ./cmd/prodlint lint testdata/example-repo

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

fmt:
	gofmt -w .
