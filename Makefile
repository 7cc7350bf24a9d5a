# warren — make targets. `make test` is what CI (.ci/run) runs.
PY ?= /usr/bin/python3
GO ?= go
BIN := $(CURDIR)/bin/warren

.PHONY: all build test check gotest clienttest nbtest browsertest conformance demo install bench

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

# The conformance corpus (tests/conformance): each program compiled, then run
# in warren as one pasted cell and as notebook cells, outputs compared.
# CONFORMANCE_FLAGS=-report only measures; -strict makes it a gate (fails on
# any wrong output, hang or unmet declared error, or < 90% correct).
CONFORMANCE_FLAGS ?= -report
conformance: build
	$(GO) run ./tests/conformance/cmd/conform -warren $(BIN) -python $(PY) $(CONFORMANCE_FLAGS)

test: check gotest clienttest nbtest browsertest conformance

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./parallel/

demo: build
	$(BIN) run notebooks/solutions/*.ipynb
