#!/usr/bin/env bash
# `make docker-test`: builds the workshop image from the unchanged Dockerfile
# with podman, runs it as an attendee would (`docker run -p 8888:8888 IMAGE`)
# and checks, against and inside the container:
#   - the Dockerfile passes dockerfile-utils lint (npm, pinned in
#     tests/docker/package.json);
#   - the image: labels org.opencontainers.image.*, HEALTHCHECK, user jovyan
#     (uid 1000), the notebooks in /home/jovyan/work, the Go toolchain;
#   - the server it starts asks for a token (403 without one), the token URL
#     it prints opens /api/status, warren is the default kernel, and the
#     health check passes;
#   - a Go cell with ray tasks runs through the REST API and kernel
#     websocket, and Shift+Tab (inspect) documents ray and display
#     (tests/docker/kernel_ws.py, from the host);
#   - every notebook in solutions/ runs clean under `jupyter nbconvert
#     --execute` in the container, as jovyan;
#   - a %%native cell compiles and runs with GOPROXY=off (the image carries
#     everything native cells need), and `%go get` of a small module works
#     when the container reaches the Go module proxy (else a skip, with the
#     reason);
#   - the JupyterLab browser test (tests/lab/run.sh) against the container's
#     server, when tests/lab/run.sh exists.
#
# Where no registry is reachable (here, and in CI) the base images are local
# stand-ins built first when missing (tests/docker/standins/): Debian
# bookworm by debootstrap, a golang:1.26-bookworm stand-in with this
# machine's Go toolchain, and a docker-stacks minimal-notebook stand-in with
# Debian's Jupyter packages. REAL_BASES=1 builds on the Dockerfile's real
# defaults instead (pulled from their registries).
#
# Needs root, podman, debootstrap (for the stand-ins), the go command, node
# and npm (the lint), python3 with nbformat and tornado (Debian:
# python3-nbformat python3-tornado), and for the browser test what
# tests/lab/run.sh needs.
#
# Environment:
#   IMAGE      tag to build (default localhost/warren:test)
#   REAL_BASES=1  build on golang:1.26-bookworm and quay.io/jupyter/minimal-notebook
#   CA_BUNDLE  CA certificates, for a network that intercepts TLS (default:
#              $SSL_CERT_FILE, else /etc/ssl/certs/ca-certificates.crt; used
#              when the file exists): passed to the build as the secret
#              `cacerts` and mounted in the container for %go get
#   NO_CACHE=1 build without podman's layer cache (to time a cold build)
#   LAB=0      skip the browser test
#   KEEP=1     leave the container running at the end
#   PY         python3 with nbformat and tornado (default /usr/bin/python3)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
IMAGE=${IMAGE:-localhost/warren:test}
PY=${PY:-/usr/bin/python3}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
# The host's CA certificates: whatever lets this machine reach the Go module
# proxy (a TLS-intercepting network adds its CA there) lets the build too.
CA_BUNDLE=${CA_BUNDLE:-${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}}
# What podman needs here: crun and the default rlimits fail in this sandbox.
PODMAN=(podman --runtime "${PODMAN_RUNTIME:-runc}")
ULIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
STANDIN=localhost/warren-standin
OUT=${OUT:-$ROOT/tests/docker/out}
mkdir -p "$OUT"

ts() { date +%s.%N; }
dur() { awk -v a="$1" -v b="$(ts)" 'BEGIN { printf "%.1fs", b - a }'; }
log() { echo "tests/docker: $*"; }
fails=0
fail() { echo "tests/docker: FAIL: $*" >&2; fails=$((fails + 1)); }
T0=$(ts)

# --- Lint the Dockerfile.
t=$(ts)
if [ ! -f tests/docker/node_modules/.package-lock.json ] ||
	[ tests/docker/package-lock.json -nt tests/docker/node_modules/.package-lock.json ]; then
	(cd tests/docker && npm ci --no-fund --no-audit --loglevel=error >/dev/null)
fi
for f in Dockerfile tests/docker/standins/*.Containerfile; do
	if lint=$(tests/docker/node_modules/.bin/dockerfile-utils lint "$f" 2>&1) && [ -z "$lint" ]; then
		log "ok: dockerfile-utils lint $f"
	else
		fail "dockerfile-utils lint $f:"$'\n'"$lint"
	fi
done

# --- Base images.
image_exists() { "${PODMAN[@]}" image exists "$1"; }
if [ "${REAL_BASES:-}" = 1 ]; then
	BUILD_ARGS=()
	BASE_REF=quay.io/jupyter/minimal-notebook
	PULL=(--pull=missing)
else
	PULL=(--pull=never)
	if ! image_exists "$STANDIN/debian:bookworm"; then
		command -v debootstrap >/dev/null || { echo "tests/docker: debootstrap missing (apt-get install debootstrap)" >&2; exit 2; }
		t=$(ts)
		ROOTFS=$(mktemp -d /tmp/warren-rootfs.XXXXXX)
		debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR" >"$OUT/debootstrap.log" 2>&1 ||
			{ tail -20 "$OUT/debootstrap.log" >&2; rm -rf "$ROOTFS"; exit 1; }
		rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
		tar -C "$ROOTFS" -c . | "${PODMAN[@]}" import - "$STANDIN/debian:bookworm" >/dev/null
		rm -rf "$ROOTFS"
		log "made $STANDIN/debian:bookworm with debootstrap in $(dur "$t")"
	fi
	if ! image_exists "$STANDIN/golang:1.26-bookworm"; then
		t=$(ts)
		"${PODMAN[@]}" build --pull=never --format docker "${ULIMITS[@]}" -v "$(go env GOROOT):/hostgo:ro" \
			-t "$STANDIN/golang:1.26-bookworm" -f tests/docker/standins/golang.Containerfile \
			tests/docker/standins >"$OUT/standin-golang.log" 2>&1 ||
			{ tail -20 "$OUT/standin-golang.log" >&2; exit 1; }
		log "built $STANDIN/golang:1.26-bookworm ($(go version | cut -d' ' -f3)) in $(dur "$t")"
	fi
	if ! image_exists "$STANDIN/minimal-notebook:latest"; then
		t=$(ts)
		"${PODMAN[@]}" build --pull=never --format docker "${ULIMITS[@]}" \
			-t "$STANDIN/minimal-notebook:latest" -f tests/docker/standins/minimal-notebook.Containerfile \
			tests/docker/standins >"$OUT/standin-notebook.log" 2>&1 ||
			{ tail -20 "$OUT/standin-notebook.log" >&2; exit 1; }
		log "built $STANDIN/minimal-notebook:latest in $(dur "$t")"
	fi
	BASE_REF=$STANDIN/minimal-notebook:latest
	BUILD_ARGS=(--build-arg "GO_IMAGE=$STANDIN/golang:1.26-bookworm"
		--build-arg "BASE_IMAGE=$STANDIN/minimal-notebook:latest")
fi

# --- Build the image from the unchanged Dockerfile.
SECRET=()
if [ -n "$CA_BUNDLE" ] && [ -s "$CA_BUNDLE" ]; then
	SECRET=(--secret "id=cacerts,src=$CA_BUNDLE")
fi
REV=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
t=$(ts)
# --format docker: the OCI image format has no HEALTHCHECK.
"${PODMAN[@]}" build "${PULL[@]}" ${NO_CACHE:+--no-cache} --format docker "${ULIMITS[@]}" \
	"${BUILD_ARGS[@]}" "${SECRET[@]}" \
	--build-arg "VCS_REF=$REV" --build-arg "WARREN_VERSION=$REV" --build-arg "BUILD_DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	-t "$IMAGE" -f Dockerfile . >"$OUT/build.log" 2>&1 ||
	{ tail -40 "$OUT/build.log" >&2; exit 1; }
SIZE=$("${PODMAN[@]}" image inspect --format '{{.Size}}' "$IMAGE")
BASE_SIZE=$("${PODMAN[@]}" image inspect --format '{{.Size}}' "$BASE_REF" 2>/dev/null || echo 0)
log "built $IMAGE in $(dur "$t"): $(awk -v s="$SIZE" -v b="$BASE_SIZE" 'BEGIN { printf "%.0f MB (%.0f MB over its base)", s/1e6, (s-b)/1e6 }')"

# --- The image's metadata.
meta=$("${PODMAN[@]}" image inspect "$IMAGE")
if "$PY" - "$meta" <<'EOF'; then log "ok: labels, HEALTHCHECK, user, port, command"; else fail "image metadata"; fi
import json, sys
i = json.loads(sys.argv[1])[0]
c = i["Config"]
labels = c.get("Labels") or {}
need = ["title", "description", "source", "version", "revision", "created"]
missing = [k for k in need if not labels.get("org.opencontainers.image." + k)]
assert not missing, "labels missing: %s" % missing
hc = (i.get("Healthcheck") or c.get("Healthcheck") or {}).get("Test") or []
assert hc[-1:] == ["/usr/local/bin/warren-healthcheck"], "Healthcheck %r" % hc
assert c.get("User") == "1000", "User %r" % c.get("User")
assert "8888/tcp" in (c.get("ExposedPorts") or {}), c.get("ExposedPorts")
assert c.get("Cmd") == ["start-notebook.py"], c.get("Cmd")
EOF

# --- Run it as an attendee does: no token given, so the server makes one.
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
NAME=warren-docker-test-$$
RUN_OPTS=()
if [ ${#SECRET[@]} -gt 0 ]; then
	RUN_OPTS=(-v "$CA_BUNDLE:/etc/ssl/certs/warren-test-ca.crt:ro" -e SSL_CERT_FILE=/etc/ssl/certs/warren-test-ca.crt)
fi
cleanup() {
	status=$?
	"${PODMAN[@]}" logs "$NAME" >"$OUT/container.log" 2>&1 || true
	if [ "${KEEP:-}" = 1 ]; then
		log "container $NAME left running on port $PORT"
	else
		"${PODMAN[@]}" rm -f -t 5 "$NAME" >/dev/null 2>&1 || true
	fi
	exit "$status"
}
trap cleanup EXIT
t=$(ts)
# (podman here has no systemd to schedule health checks; they are run by
# hand below. Its complaint about that is dropped.)
"${PODMAN[@]}" run -d --name "$NAME" "${ULIMITS[@]}" "${RUN_OPTS[@]}" \
	-p "127.0.0.1:$PORT:8888" "$IMAGE" >/dev/null 2>"$OUT/run.err" ||
	{ cat "$OUT/run.err" >&2; exit 1; }
URL=http://127.0.0.1:$PORT
TOKEN=
for _ in $(seq 300); do
	if [ "$("${PODMAN[@]}" inspect --format '{{.State.Running}}' "$NAME" 2>/dev/null)" != true ]; then
		echo "tests/docker: the container stopped; its log:" >&2
		"${PODMAN[@]}" logs "$NAME" >&2 || true
		exit 1
	fi
	TOKEN=$("${PODMAN[@]}" logs "$NAME" 2>&1 | sed -n 's/.*[?&]token=\([0-9a-f]\{16,\}\).*/\1/p' | head -1)
	[ -n "$TOKEN" ] && curl -sf -o /dev/null -H "Authorization: token $TOKEN" "$URL/api/status" && break
	sleep 0.2
done
if [ -z "$TOKEN" ]; then
	fail "the server printed no URL with a token within 60 s"
	"${PODMAN[@]}" logs "$NAME" >&2 || true
	exit 1
fi
log "ok: the container prints $("${PODMAN[@]}" logs "$NAME" 2>&1 | grep -o 'http://127.0.0.1:8888/?token=' | head -1)… ($(dur "$t"))"
status=$(curl -s -H "Authorization: token $TOKEN" "$URL/api/status")
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/status")
if [ "$code" = 403 ] && "$PY" -c 'import json, sys; assert "started" in json.loads(sys.argv[1])' "$status"; then
	log "ok: /api/status answers on the published port with the token ($status), 403 without"
else
	fail "/api/status: $status; without token: HTTP $code (want 403)"
fi
if "${PODMAN[@]}" healthcheck run "$NAME" >/dev/null 2>&1; then
	log "ok: podman healthcheck run: healthy"
else
	fail "the health check fails: $("${PODMAN[@]}" exec "$NAME" /usr/local/bin/warren-healthcheck 2>&1 | tail -3)"
fi
inside=$("${PODMAN[@]}" exec "$NAME" bash -c 'echo "$(id -un) $(id -u) $HOME $(pwd)"; ls /home/jovyan/work; go version; gcc --version | head -1')
if echo "$inside" | grep -q '^jovyan 1000 /home/jovyan /home/jovyan$' &&
	echo "$inside" | grep -q '^exercises$' && echo "$inside" | grep -q '^solutions$' &&
	echo "$inside" | grep -q '^go version go'; then
	log "ok: user jovyan (1000), notebooks in ~/work, $(echo "$inside" | grep '^go version' | cut -d' ' -f3), $(echo "$inside" | tail -1)"
else
	fail "inside the container: $inside"
fi

# --- A Go cell and inspect through the server, from the host.
t=$(ts)
if "$PY" tests/docker/kernel_ws.py "$URL" "$TOKEN"; then
	log "(REST + websocket checks in $(dur "$t"))"
else
	fail "kernel through the server's websocket"
fi

# --- nbconvert inside the container.
# nbexec NOTEBOOK-IN-CONTAINER [podman exec options]: executes it in place
# of a copy and prints the stream outputs.
nbexec() {
	local nb=$1
	shift
	"${PODMAN[@]}" exec "$@" -w "$(dirname "$nb")" "$NAME" jupyter nbconvert --to notebook --execute \
		--ExecutePreprocessor.timeout=600 --output "/tmp/$(basename "$nb" .ipynb).out.ipynb" "$nb" >/dev/null 2>&1 || return 1
	"${PODMAN[@]}" exec "$NAME" python3 -c '
import json, sys
for c in json.load(open(sys.argv[1]))["cells"]:
    for o in c.get("outputs", []):
        if o.get("output_type") == "stream":
            print("".join(o["text"]) if isinstance(o["text"], list) else o["text"], end="")
        elif o.get("output_type") == "error":
            print("ERROR:", o["ename"], o["evalue"]); sys.exit(1)
' "/tmp/$(basename "$nb" .ipynb).out.ipynb"
}
for nb in notebooks/solutions/*.ipynb; do
	t=$(ts)
	base=$(basename "$nb")
	if out=$(nbexec "/home/jovyan/work/solutions/$base") && echo "$out" | grep -q 'Success!'; then
		log "ok: solutions/$base runs clean in the container ($(dur "$t"))"
	else
		fail "solutions/$base in the container:"$'\n'"$(echo "$out" | tail -20)"
	fi
done

# --- The native tier.
"$PY" tests/native/mknb.py tests/docker/native.src "$OUT/native.ipynb"
"${PODMAN[@]}" cp "$OUT/native.ipynb" "$NAME:/tmp/native.ipynb"
t=$(ts)
if out=$(nbexec /tmp/native.ipynb -e GOPROXY=off) &&
	echo "$out" | grep -q '^native statement ran$' && echo "$out" | grep -q '^fib(25) = 75025, point (1, 2)$'; then
	log "ok: a %%native cell compiles and runs, offline (GOPROXY=off) ($(dur "$t"))"
else
	fail "%%native cell:"$'\n'"$out"
fi
t=$(ts)
if why=$("${PODMAN[@]}" exec "$NAME" timeout 60 go list -m -json github.com/google/btree@v1.1.3 2>&1 >/dev/null); then
	"$PY" tests/native/mknb.py tests/docker/goget.src "$OUT/goget.ipynb"
	"${PODMAN[@]}" cp "$OUT/goget.ipynb" "$NAME:/tmp/goget.ipynb"
	if out=$(nbexec /tmp/goget.ipynb) && echo "$out" | grep -q '^btree: len 3, min 1, max 5$'; then
		log "ok: %go get github.com/google/btree@v1.1.3, then an interpreted cell uses it ($(dur "$t"))"
	else
		fail "%go get:"$'\n'"$out"
	fi
else
	log "SKIP: %go get: the container does not reach the Go module proxy ($(echo "$why" | tail -1))"
fi

# --- The JupyterLab browser test against the container's server.
if [ "${LAB:-}" = 0 ]; then
	log "SKIP: browser test (LAB=0)"
elif [ ! -f tests/lab/run.sh ]; then
	log "SKIP: browser test: tests/lab/run.sh is not in this checkout"
else
	t=$(ts)
	if LAB_URL=$URL/ LAB_TOKEN=$TOKEN LAB_NB_DIR=work OUT_DIR=$OUT/lab \
		bash tests/lab/run.sh >"$OUT/lab.log" 2>&1; then
		log "ok: JupyterLab browser test against the container ($(dur "$t"); screenshots in $OUT/lab)"
	else
		fail "JupyterLab browser test against the container (log: $OUT/lab.log):"$'\n'"$(tail -20 "$OUT/lab.log")"
	fi
fi

log "total $(dur "$T0")"
[ "$fails" -eq 0 ]
