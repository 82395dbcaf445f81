# prodlint — build and test.
#
#   make test      install the external tools the tests use, then vet and test everything
#   make build     build ./prodlint
#   make example   lint the bundled example repository

GO ?= go

.PHONY: test tools vet build example bench fmt

test: tools vet
	$(GO) test ./...

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
