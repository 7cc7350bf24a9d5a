# warren — make targets. `make test` is what CI (.ci/run) runs.
PY ?= /usr/bin/python3
GO ?= go
BIN := $(CURDIR)/bin/warren

.PHONY: all build test check gotest clienttest nbtest browsertest demo install bench

all: build

build:
	$(GO) build -o $(BIN) ./cmd/warren

check:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

gotest:
	$(GO) test -race -count=1 ./...

clienttest: build
	PY=$(PY) WARREN=$(BIN) bash tests/clients/run.sh

nbtest: build
	PY=$(PY) WARREN=$(BIN) bash tests/notebooks/run.sh

browsertest: build
	PY=$(PY) WARREN=$(BIN) bash tests/browser/run.sh

test: check gotest clienttest nbtest browsertest

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./parallel/

demo: build
	$(BIN) run notebooks/solutions/*.ipynb
