# warren — make targets. `make test` is what CI (.ci/run) runs.
PY ?= /usr/bin/python3
GO ?= go
BIN := $(CURDIR)/bin/warren

.PHONY: all build test check gotest clienttest nbtest nativetest browsertest demo install bench

all: build

# warren is built with cgo: native cells and %go get load Go plugins, which
# need it. The source directory is recorded so that plugins can be built
# against this checkout (see native/identity.go).
build:
	CGO_ENABLED=1 $(GO) build -ldflags "-X github.com/warren-go/warren/native.sourceDir=$(CURDIR)" -o $(BIN) ./cmd/warren

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

nativetest: build
	PY=$(PY) WARREN=$(BIN) bash tests/native/run.sh

browsertest: build
	PY=$(PY) WARREN=$(BIN) bash tests/browser/run.sh

test: check gotest clienttest nbtest nativetest browsertest

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./parallel/

demo: build
	$(BIN) run notebooks/solutions/*.ipynb
