# warren — make targets. `make help` lists them; `make test` and
# `make docker-test` are what CI (.ci/run) runs. A target is listed by help
# when its rule line ends in "## what it does".
PY ?= /usr/bin/python3
GO ?= go
BIN := $(CURDIR)/bin/warren
# cgo is on by default (plugins need it); CGO_ENABLED=0 make build gives a
# static binary without the native tier.
CGO_ENABLED ?= 1
# Where plugins find warren's source (see native/identity.go).
WARREN_SRC ?= $(CURDIR)

# The workshop image (see Dockerfile): built with docker when its daemon
# answers, else with podman.
DOCKER ?= $(shell docker info >/dev/null 2>&1 && echo docker || { command -v podman >/dev/null && echo podman; } || echo docker)
IMAGE ?= warren
VCS_REF = $(shell git rev-parse --short HEAD 2>/dev/null)

.PHONY: help all build install lint check test gotest fuzz fuzz-short soak soakshort clienttest nbtest nativetest browsertest labtest conformance demo bench cluster-test cluster-bench docker docker-test clean

all: build

help: ## list the targets
	@awk 'BEGIN { FS = ":.*## " } /^[a-zA-Z0-9_-]+:.*## / { printf "  %-13s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

# warren is built with cgo: native cells and %go get load Go plugins, which
# need it. The source directory is recorded so that plugins can be built
# against this checkout (see native/identity.go).
build: ## build bin/warren (with cgo; CGO_ENABLED=0 for a static binary without native cells)
	CGO_ENABLED=$(CGO_ENABLED) $(GO) build $(BUILDFLAGS) -ldflags "-X github.com/warren-go/warren/native.sourceDir=$(WARREN_SRC)" -o $(BIN) ./cmd/warren

install: build ## install the warren kernelspec for this user (Jupyter then lists "Go (warren)")
	$(BIN) install --user

lint: ## gofmt, go vet and staticcheck
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

# JupyterLab 4.6's notebook components (npm) in Chromium against Debian's
# jupyter-server (tests/lab), with JupyterLab's visual debugger in the
# scenarios LAB_DEBUG names: python3 (ipykernel, the reference), warren (a
# breakpoint in a cell) and warren-ray (one in a ray task's body).
LAB_DEBUG ?= python3 warren warren-ray
labtest: build
	PY=$(PY) WARREN=$(BIN) LAB_DEBUG="$(LAB_DEBUG)" bash tests/lab/run.sh

# The conformance corpus (tests/conformance): each program compiled, then run
# in warren as one pasted cell and as notebook cells, outputs compared.
# CONFORMANCE_FLAGS=-report only measures; -strict makes it a gate (fails on
# any wrong output, hang or unmet declared error, or < 90% correct).
CONFORMANCE_FLAGS ?= -strict
conformance: build ## the conformance corpus: Go programs compiled and run in warren, outputs compared (CONFORMANCE_FLAGS=-report to only measure)
	$(GO) run ./tests/conformance/cmd/conform -warren $(BIN) -python $(PY) $(CONFORMANCE_FLAGS)

# check is the old name of lint.
check: lint

test: lint gotest fuzz-short soakshort clienttest nbtest nativetest browsertest labtest conformance ## lint and every test suite (what CI runs, with docker-test)

# Fuzz targets (go test -fuzz), one at a time: package:Target. Their seed
# corpora are in each package's testdata/fuzz/Target; a crash found is
# written there too (commit it with the fix).
FUZZ_TARGETS := \
	./kernel:FuzzDecode ./kernel:FuzzParseConnectionInfo \
	./kernel/zmtpguard:FuzzAcceptHandshake ./kernel/zmtpguard:FuzzPeerMessage \
	./kernel/zmtpguard:FuzzGuardZmq4 \
	./interp:FuzzSplitCell ./interp:FuzzRewrite ./interp:FuzzIsComplete
FUZZTIME ?= 5m

fuzz: ## run every fuzz target for FUZZTIME each (default 5m; e.g. make fuzz FUZZTIME=1h)
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "=== $$t ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$${t#*:}\$$" -fuzztime $(FUZZTIME) $${t%%:*}; \
	done

# A count, not a duration: with -fuzztime 10s Go's fuzzing coordinator
# sometimes fails at the deadline with "context deadline exceeded" (seen
# once in .ci/run, no crash found).
fuzz-short: ## every fuzz target for 20,000 inputs each (part of make test)
	@$(MAKE) --no-print-directory fuzz FUZZTIME=20000x

soak: ## RSS and latency over 10,000 cells (two workloads), warren's session beside plain yaegi; long (~10 min)
	$(GO) run ./tests/soak -cells 10000

# The CI soak: 4,000 trivial cells (fewer give a noisy RSS slope).
soakshort: ## 4,000 trivial cells; fails if the session's RSS grows more than 8 KB per cell (part of make test)
	$(GO) run ./tests/soak -cells 4000 -impl warren -workloads trivial -max-kb 8

bench: ## benchmarks of the ray scheduler (parallel/)
	$(GO) test -run '^$$' -bench . -benchmem ./parallel/

cluster-test: ## the long cluster tests: workers killed with SIGKILL, a NATS cluster of 3 heads losing one, a head down longer than a dead driver's timeout, the solution notebooks of exercises 1–4 on a head and workers, a worker killed during exercise 3, a worker restarted after building a native cell (the short ones are in gotest)
	WARREN_CLUSTER_LONG=1 $(GO) test -race -count=1 -run 'TestClusterLong|TestClusterThreeHeads|TestHeadDownLongerThanDriverBeats' -v ./cluster/
	WARREN_CLUSTER_LONG=1 $(GO) test -count=1 -run 'TestClusterSolutionNotebooks|TestClusterExercise3WorkerKilled|TestClusterShipsNative' -v ./cmd/warren/

cluster-bench: ## tasks/s of trivial tasks: in process vs a head and two worker processes
	$(GO) test -run '^$$' -bench TrivialTasks -benchtime 20000x -count 3 ./cluster/

demo: build ## run the solved workshop notebooks in the terminal (warren run)
	$(BIN) run notebooks/solutions/*.ipynb

docker: ## build the workshop image IMAGE (default warren) from the Dockerfile with DOCKER (docker or podman)
	$(DOCKER) build -t $(IMAGE) --build-arg VCS_REF=$(VCS_REF) --build-arg WARREN_VERSION=$(VCS_REF) --build-arg BUILD_DATE=$$(date -u +%Y-%m-%dT%H:%M:%SZ) .

docker-test: ## build the image with podman on local stand-in bases, run it, test it (tests/docker/run.sh; root)
	PY=$(PY) bash tests/docker/run.sh

clean: ## remove bin/ and the test outputs
	rm -rf bin tests/browser/out tests/docker/out tests/lab/out
