"""Drives a warren kernel in the running workshop container through the
Jupyter server's REST API and kernel websocket, from the host, as JupyterLab
does: starts a kernel by the server's default kernel name, runs a Go cell
with ray tasks, and asks for Shift+Tab (inspect) documentation of ray and
display, which must come from the source embedded in the binary.

    python3 kernel_ws.py URL TOKEN

Exits non-zero with a message on the first failed check. Needs tornado.
"""
import json
import sys
import uuid
from urllib.request import Request, urlopen

from tornado import ioloop, websocket

url, token = sys.argv[1].rstrip("/"), sys.argv[2]
hdr = {"Authorization": "token " + token, "Content-Type": "application/json"}


def api(method, path, body=None):
    req = Request(url + path, method=method, headers=hdr,
                  data=None if body is None else json.dumps(body).encode())
    with urlopen(req, timeout=30) as r:
        data = r.read()
        return json.loads(data) if data else None


default = api("GET", "/api/kernelspecs")["default"]
if default != "warren":
    sys.exit("default kernel is %r, want warren" % default)
kid = api("POST", "/api/kernels", {})["id"]  # the server's default kernel
session = uuid.uuid4().hex


async def request(conn, msg_type, content, want):
    """Sends a shell request; returns (reply content, iopub messages)."""
    msg_id = uuid.uuid4().hex
    conn.write_message(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": msg_type, "username": "test",
                   "session": session, "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "content": content,
    }))
    reply, iopub, idle = None, [], False
    while reply is None or not idle:
        raw = await conn.read_message()
        if raw is None:
            raise SystemExit("websocket closed")
        m = json.loads(raw)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] == want:
            reply = m["content"]
        elif m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            idle = True
        else:
            iopub.append(m)
    return reply, iopub


CODE = ('import "fmt"\n'
        'f := ray.Remote(func(i int) int { return i * 2 })\n'
        'fmt.Println("in the container:", ray.GetAll(f.Remote(1), f.Remote(2)))\n'
        '1 + 2')


async def run():
    ws_url = url.replace("http", "ws", 1) + "/api/kernels/%s/channels?token=%s" % (kid, token)
    conn = await websocket.websocket_connect(ws_url, connect_timeout=30)
    reply, iopub = await request(conn, "execute_request", {
        "code": CODE, "silent": False, "store_history": True,
        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
        "execute_reply")
    if reply["status"] != "ok":
        raise SystemExit("execute_reply: %s" % reply)
    stdout = "".join(m["content"]["text"] for m in iopub if m["msg_type"] == "stream")
    results = [m["content"]["data"]["text/plain"] for m in iopub if m["msg_type"] == "execute_result"]
    if stdout != "in the container: [2 4]\n" or results != ["3"]:
        raise SystemExit("Go cell: stdout %r, results %r" % (stdout, results))
    print("tests/docker: ok: Go cell over REST + websocket: %r, Out %s" % (stdout.strip(), results[0]))
    for code, want in [
        ("ray.Remote", ["func Remote(fn any) *RemoteFunction", "task"]),
        ("display.HTML", ["func HTML(s string) Bundle", "HTML"]),
    ]:
        reply, _ = await request(conn, "inspect_request",
                                 {"code": code, "cursor_pos": len(code), "detail_level": 0},
                                 "inspect_reply")
        text = reply.get("data", {}).get("text/plain", "")
        if reply.get("status") != "ok" or not reply.get("found") or any(w not in text for w in want):
            raise SystemExit("inspect %s: %s" % (code, json.dumps(reply)[:500]))
        # The declaration and its doc comment: two paragraphs.
        if "\n\n" not in text:
            raise SystemExit("inspect %s has no doc comment: %r" % (code, text))
        print("tests/docker: ok: inspect %s: %r" % (code, text.split("\n")[0]))
    conn.close()


try:
    ioloop.IOLoop.current().run_sync(run, timeout=180)
finally:
    api("DELETE", "/api/kernels/" + kid)
