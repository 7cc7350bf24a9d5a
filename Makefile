# warren — make targets. `make test` is what CI (.ci/run) runs.
PY ?= /usr/bin/python3
GO ?= go
BIN := $(CURDIR)/bin/warren
# cgo is on by default (plugins need it); CGO_ENABLED=0 make build gives a
# static binary without the native tier.
CGO_ENABLED ?= 1
# Where plugins find warren's source (see native/identity.go).
WARREN_SRC ?= $(CURDIR)

.PHONY: docker-native-context all build test check gotest clienttest nbtest nativetest browsertest labtest conformance demo install bench soak soakshort fuzz fuzz-short help

all: build

# warren is built with cgo: native cells and %go get load Go plugins, which
# need it. The source directory is recorded so that plugins can be built
# against this checkout (see native/identity.go).
build:
	CGO_ENABLED=$(CGO_ENABLED) $(GO) build $(BUILDFLAGS) -ldflags "-X github.com/warren-go/warren/native.sourceDir=$(WARREN_SRC)" -o $(BIN) ./cmd/warren

check:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

# go test -race ./...; see tests/gotest.sh for the one case it retries.
gotest:
	GO=$(GO) bash tests/gotest.sh

clienttest: build
	PY=$(PY) WARREN=$(BIN) bash tests/clients/run.sh

nbtest: build
	PY=$(PY) WARREN=$(BIN) bash tests/notebooks/run.sh

nativetest: build
	PY=$(PY) WARREN=$(BIN) bash tests/native/run.sh

browsertest: build
	PY=$(PY) WARREN=$(BIN) bash tests/browser/run.sh

# JupyterLab 4.6's notebook components in Chromium against jupyter-server
# (tests/lab/run.sh; LAB_URL/LAB_TOKEN test a running server instead).
labtest: build
	PY=$(PY) WARREN=$(BIN) bash tests/lab/run.sh

# The conformance corpus (tests/conformance): each program compiled, then run
# in warren as one pasted cell and as notebook cells, outputs compared.
# It is a gate (-strict): it fails on any wrong output, hang or unmet declared
# error, or < 90% correct in both forms. CONFORMANCE_FLAGS=-report only measures.
CONFORMANCE_FLAGS ?= -strict
conformance: build
	$(GO) run ./tests/conformance/cmd/conform -warren $(BIN) -python $(PY) $(CONFORMANCE_FLAGS)

## soak: RSS and latency over 10,000 cells (two workloads), warren's session and plain yaegi side by side; long (~10 min)
soak:
	$(GO) run ./tests/soak -cells 10000

## soakshort: the CI soak: 4,000 trivial cells (fewer give a noisy RSS slope), fails if warren's RSS grows more than 8 KB per cell
soakshort:
	$(GO) run ./tests/soak -cells 4000 -impl warren -workloads trivial -max-kb 8

test: check gotest fuzz-short soakshort clienttest nbtest nativetest browsertest labtest conformance

# Fuzz targets (go test -fuzz), one at a time: package:Target. Their seed
# corpora are in each package's testdata/fuzz/Target; a crash found is
# written there too (commit it with the fix).
FUZZ_TARGETS := \
	./kernel:FuzzDecode ./kernel:FuzzParseConnectionInfo \
	./kernel/zmtpguard:FuzzAcceptHandshake ./kernel/zmtpguard:FuzzPeerMessage \
	./kernel/zmtpguard:FuzzGuardZmq4 \
	./interp:FuzzSplitCell ./interp:FuzzRewrite ./interp:FuzzIsComplete
FUZZTIME ?= 5m

## fuzz: run every fuzz target for FUZZTIME each (default 5m; e.g. make fuzz FUZZTIME=1h)
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "=== $$t ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$${t#*:}\$$" -fuzztime $(FUZZTIME) $${t%%:*}; \
	done

## fuzz-short: every fuzz target for 10 s each (part of make test)
fuzz-short:
	@$(MAKE) --no-print-directory fuzz FUZZTIME=10s

## help: list the documented targets
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed 's/^## /  /'

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./parallel/

# Stages what `podman build --build-arg NATIVE=1 .` copies (see Dockerfile):
# the Go toolchain, warren's source and module cache, and bin/warren built
# with cgo and -trimpath against /opt/warren/src.
docker-native-context:
	rm -rf .docker/*.tar.gz .docker/gomod && mkdir -p .docker/gomod
	tar -C $$($(GO) env GOROOT)/.. -czf .docker/go.tar.gz $$(basename $$($(GO) env GOROOT))
	git ls-files -z | tar --null -T - -czf .docker/src.tar.gz --transform 's,^,src/,'
	GOMODCACHE=$(CURDIR)/.docker/gomod/mod GOFLAGS=-modcacherw $(GO) mod download
	tar -C .docker/gomod -czf .docker/mod.tar.gz mod && rm -rf .docker/gomod
	$(MAKE) build BUILDFLAGS=-trimpath WARREN_SRC=/opt/warren/src

demo: build
	$(BIN) run notebooks/solutions/*.ipynb
