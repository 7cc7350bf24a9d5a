#!/usr/bin/env bash
# Builds the workshop image (top-level Dockerfile) with podman, runs it, and
# checks that the Go (warren) kernel works inside the container:
#   1. the notebook server answers on the published port and lists the
#      warren kernelspec (REST API, from the host);
#   2. a warren kernel started through the REST API executes a Go cell,
#      driven over the kernel's websocket from the host (python3-tornado);
#   3. every notebook in solutions/ runs clean in the container under
#      `jupyter nbconvert --execute`, as user ray, from /home/ray/notebooks;
#   4. if the host has /usr/bin/chromium and tests/browser/node_modules, the
#      browser test (tests/browser/notebook.mjs) passes against the
#      container (BROWSER=0 skips it).
#
# Not part of CI (slow: it may debootstrap a base image). Needs podman,
# debootstrap (only if the base image is missing) and a python3 with
# tornado (Debian: python3-tornado). Runs as root.
#
# Environment:
#   WARREN   warren binary to put in the image (default: CGO_ENABLED=0 make build,
#            then bin/warren)
#   IMAGE    image tag to build (default: warren-workshop:test)
#   BASE     base image (default: debian:bookworm-slim, the Dockerfile's FROM)
#   PY       python3 with tornado (default: /usr/bin/python3)
#   KEEP=1   leave the container running at the end
#   NO_CACHE=1  build without podman's layer cache (to time a fresh build)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
IMAGE=${IMAGE:-warren-workshop:test}
BASE=${BASE:-debian:bookworm-slim}
PY=${PY:-/usr/bin/python3}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
# What podman needs in this environment (crun and large rlimits fail here).
PODMAN_OPTS=(--runtime runc)
ULIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

ts() { date +%s.%N; }
dur() { awk -v a="$1" -v b="$(ts)" 'BEGIN { printf "%.1fs", b - a }'; }
log() { echo "tests/docker: $*"; }
T0=$(ts)

# --- Base image, made with debootstrap when it is not there.
if podman "${PODMAN_OPTS[@]}" image exists "$BASE"; then
	log "base image $BASE present"
else
	command -v debootstrap >/dev/null || { echo "debootstrap missing (apt-get install debootstrap)" >&2; exit 2; }
	t=$(ts)
	ROOTFS=$(mktemp -d /tmp/warren-rootfs.XXXXXX)
	debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR" >/tmp/warren-debootstrap.log 2>&1 ||
		{ tail -20 /tmp/warren-debootstrap.log >&2; rm -rf "$ROOTFS"; exit 1; }
	rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
	tar -C "$ROOTFS" -c . | podman "${PODMAN_OPTS[@]}" import - "$BASE"
	rm -rf "$ROOTFS"
	log "base image $BASE made with debootstrap in $(dur "$t")"
fi

# --- The binary: static, copied to where the Dockerfile's WARREN_BIN can see it.
if [ -z "${WARREN:-}" ]; then
	t=$(ts)
	CGO_ENABLED=0 make build >/dev/null
	WARREN=$ROOT/bin/warren
	log "CGO_ENABLED=0 make build in $(dur "$t")"
fi
mkdir -p tests/docker/.build
cp "$WARREN" tests/docker/.build/warren
if ! "$WARREN" version >/dev/null 2>&1; then
	echo "tests/docker: $WARREN does not run" >&2
	exit 2
fi
if command -v go >/dev/null && go version -m "$WARREN" 2>/dev/null | grep -q 'CGO_ENABLED=1'; then
	log "warning: $WARREN is built with cgo; the image may lack the C library it was linked against"
fi

# --- Build.
t=$(ts)
podman "${PODMAN_OPTS[@]}" build --pull=never ${NO_CACHE:+--no-cache} "${ULIMITS[@]}" \
	--build-arg WARREN_BIN=tests/docker/.build/warren \
	-t "$IMAGE" -f Dockerfile . >/tmp/warren-docker-build.log 2>&1 ||
	{ tail -40 /tmp/warren-docker-build.log >&2; exit 1; }
BUILD_TIME=$(dur "$t")
log "podman build $IMAGE in $BUILD_TIME ($(podman image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"

# --- Run.
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
TOKEN=$("$PY" -c 'import secrets; print(secrets.token_hex(16))')
NAME=warren-docker-test-$$
cleanup() {
	status=$?
	if [ "${KEEP:-}" = 1 ]; then
		log "container $NAME left running on port $PORT (token $TOKEN)"
	else
		podman "${PODMAN_OPTS[@]}" rm -f -t 5 "$NAME" >/dev/null 2>&1 || true
	fi
	exit "$status"
}
trap cleanup EXIT
t=$(ts)
podman "${PODMAN_OPTS[@]}" run -d --name "$NAME" "${ULIMITS[@]}" \
	-p "127.0.0.1:$PORT:8888" -e JUPYTER_TOKEN="$TOKEN" "$IMAGE" >/dev/null

URL=http://127.0.0.1:$PORT
ready=
for _ in $(seq 600); do
	if [ "$(podman inspect --format '{{.State.Running}}' "$NAME" 2>/dev/null)" != true ]; then
		echo "tests/docker: the container stopped; its log:" >&2
		podman logs "$NAME" >&2 || true
		exit 1
	fi
	if "$PY" - "$URL/api/kernelspecs?token=$TOKEN" <<'EOF' 2>/dev/null; then
import json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
    specs = json.load(r)
sys.exit(0 if "warren" in specs["kernelspecs"] and specs["default"] == "warren" else 3)
EOF
		ready=1
		break
	fi
	sleep 0.1
done
if [ -z "$ready" ]; then
	echo "tests/docker: no notebook server with the warren kernelspec on $URL within 60 s; container log:" >&2
	podman logs "$NAME" >&2 || true
	exit 1
fi
log "ok: container up, notebook server lists warren (default kernel) on $URL in $(dur "$t")"

# --- A Go cell through the REST API and the kernel websocket, from the host.
t=$(ts)
"$PY" - "$URL" "$TOKEN" <<'EOF'
import json, sys, uuid
from urllib.request import Request, urlopen
from tornado import ioloop, websocket

url, token = sys.argv[1], sys.argv[2]
hdr = {"Authorization": "token " + token, "Content-Type": "application/json"}

def api(method, path, body=None):
    req = Request(url + path, method=method, headers=hdr,
                  data=None if body is None else json.dumps(body).encode())
    with urlopen(req, timeout=30) as r:
        data = r.read()
        return json.loads(data) if data else None

kernel = api("POST", "/api/kernels", {"name": "warren"})
kid = kernel["id"]
code = 'import "fmt"\nf := ray.Remote(func(i int) int { return i * 2 })\nfmt.Println("in the container:", ray.GetAll(f.Remote(1), f.Remote(2)))\n1 + 2'

async def run():
    ws_url = url.replace("http", "ws", 1) + "/api/kernels/%s/channels?token=%s" % (kid, token)
    conn = await websocket.websocket_connect(ws_url, connect_timeout=30)
    msg_id = uuid.uuid4().hex
    conn.write_message(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test",
                   "session": uuid.uuid4().hex, "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell",
        "content": {"code": code, "silent": False, "store_history": True,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
    }))
    stdout, result, reply = "", None, None
    while reply is None or result is None:
        raw = await conn.read_message()
        if raw is None:
            raise SystemExit("websocket closed")
        m = json.loads(raw)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        t = m["msg_type"]
        if t == "stream":
            stdout += m["content"]["text"]
        elif t == "execute_result":
            result = m["content"]["data"]["text/plain"]
        elif t == "error":
            raise SystemExit("error: %s" % "\n".join(m["content"]["traceback"]))
        elif t == "execute_reply":
            reply = m["content"]["status"]
            if reply != "ok":
                raise SystemExit("execute_reply %s" % reply)
    conn.close()
    return stdout, result

try:
    stdout, result = ioloop.IOLoop.current().run_sync(run, timeout=120)
finally:
    api("DELETE", "/api/kernels/" + kid)
assert stdout == "in the container: [2 4]\n", repr(stdout)
assert result == "3", repr(result)
print("tests/docker: ok: Go cell over REST + websocket: %r, Out %s" % (stdout.strip(), result))
EOF
log "(REST + websocket check in $(dur "$t"))"

# --- The solved notebooks, executed inside the container.
fails=0
for nb in notebooks/solutions/*.ipynb; do
	base=$(basename "$nb" .ipynb)
	t=$(ts)
	if out=$(podman "${PODMAN_OPTS[@]}" exec -w /home/ray/notebooks/solutions "$NAME" \
		jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=180 \
		--output "/tmp/$base.out.ipynb" "$base.ipynb" 2>&1) &&
		podman "${PODMAN_OPTS[@]}" exec "$NAME" grep -q 'Success!' "/tmp/$base.out.ipynb"; then
		log "ok: solutions/$base.ipynb runs clean in the container ($(dur "$t"))"
	else
		echo "FAIL: solutions/$base.ipynb in the container:" >&2
		echo "$out" | tail -30 >&2
		fails=$((fails + 1))
	fi
done
# --- Optionally, the browser test (tests/browser/notebook.mjs) against the
# container, when Chromium and playwright-core are installed on the host.
if [ "${BROWSER:-auto}" != 0 ] && [ -x /usr/bin/chromium ] && [ -f tests/browser/node_modules/playwright-core/package.json ]; then
	t=$(ts)
	PROFILE=$(mktemp -d /tmp/warren-docker-chromium.XXXXXX)
	if NB_URL=$URL NB_TOKEN=$TOKEN NB_EXERCISE=solutions/exercise_1.ipynb CHROMIUM=/usr/bin/chromium \
		OUT_DIR=$ROOT/tests/browser/out/docker PROFILE_DIR=$PROFILE node tests/browser/notebook.mjs >/tmp/warren-docker-browser.log 2>&1; then
		log "ok: browser test against the container ($(dur "$t"); screenshots in tests/browser/out/docker)"
	else
		echo "FAIL: browser test against the container:" >&2
		tail -20 /tmp/warren-docker-browser.log >&2
		fails=$((fails + 1))
	fi
	rm -rf "$PROFILE"
fi
log "total $(dur "$T0")"
[ "$fails" -eq 0 ]
