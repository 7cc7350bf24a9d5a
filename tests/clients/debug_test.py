"""Drive warren's debugger with jupyter_client as JupyterLab does: debug
requests on the control channel, debug events on iopub.

    python3 debug_test.py [--kernel warren]     run the checks (exit 1 on failure)

1. A breakpoint on line 3 of a cell: initialize, attach, debugInfo, dumpCell
   (its path is the one the front end computes with Murmur2), setBreakpoints,
   execute, stopped, stackTrace (the cell's path, line 3), scopes, variables
   (a local and its value), next (line 4), continue, the cell's output. While
   stopped, kernel_info, complete and inspect on shell keep answering.
2. A breakpoint inside a ray.Remote function body: the stopped thread is the
   task's goroutine, not the cell's, with the task's arguments as locals.
3. A task stopped after its cell ended does not hold up other cells.
4. Thread events: a cell starting goroutines and a ray task gets a thread
   "started" and an "exited" event for each goroutine (the cell's, the go
   statements', the task's), with matching threadIds.
5. Pause: a cell's endless loop, paused, stops with reason "pause" in the
   loop with its variables; continued, it runs on; an interrupt ends it.
6. An interrupt while stopped ends the cell with KeyboardInterrupt; the next
   cell runs normally.

Needs the kernelspec installed (tests/clients/run.sh does it).
"""
import argparse
import sys
import time
from queue import Empty

from jupyter_client.manager import KernelManager

TIMEOUT = 30
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def murmur2(data, seed):
    """MurmurHash2 of data's UTF-8 bytes (what ipykernel and JupyterLab use)."""
    try:
        from ipykernel.compiler import murmur2_x86

        return murmur2_x86(data, seed)
    except ImportError:
        pass
    m, b = 0x5BD1E995, data.encode("utf8")
    h = (seed ^ len(b)) & 0xFFFFFFFF
    end = len(b) & ~3
    for i in range(0, end, 4):
        k = int.from_bytes(b[i : i + 4], "little")
        k = (k * m) & 0xFFFFFFFF
        k ^= k >> 24
        k = (k * m) & 0xFFFFFFFF
        h = ((h * m) & 0xFFFFFFFF) ^ k
    rest = b[end:]
    if rest:
        k = int.from_bytes(rest, "little")
        h = ((h ^ k) * m) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * m) & 0xFFFFFFFF
    return h ^ (h >> 15)


class Debugger:
    """A debug client: requests on control, events and outputs from iopub."""

    def __init__(self, kc):
        self.kc = kc
        self.seq = 0
        self.iopub = []  # every iopub message received, in order
        self.seen = 0  # debug events before this index were consumed

    def request(self, command, arguments=None):
        self.seq += 1
        content = {"type": "request", "seq": self.seq, "command": command, "arguments": arguments or {}}
        msg = self.kc.session.msg("debug_request", content)
        self.kc.control_channel.send(msg)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            reply = self.kc.get_control_msg(timeout=max(0.01, deadline - time.monotonic()))
            if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                check(reply["msg_type"] == "debug_reply", f"{command}: debug_reply")
                r = reply["content"]
                check(r.get("request_seq") == self.seq and r.get("command") == command, f"{command}: reply matches request")
                return r
        raise TimeoutError(f"no debug_reply to {command}")

    def ok(self, command, arguments=None):
        r = self.request(command, arguments)
        check(r.get("success") is True, f"{command}: success ({r.get('message', '')})")
        return r.get("body", {})

    def pump(self, timeout):
        try:
            m = self.kc.get_iopub_msg(timeout=timeout)
        except Empty:
            return None
        self.iopub.append(m)
        return m

    def event(self, name, timeout=TIMEOUT):
        """The next debug event named name (others are skipped)."""
        deadline = time.monotonic() + timeout
        while True:
            for i in range(self.seen, len(self.iopub)):
                m = self.iopub[i]
                if m["msg_type"] == "debug_event" and m["content"].get("event") == name:
                    self.seen = i + 1
                    return m["content"].get("body", {})
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {name} event")
            self.pump(left)

    def stdout(self, msg_id):
        return "".join(
            m["content"]["text"]
            for m in self.iopub
            if m["msg_type"] == "stream" and m["parent_header"].get("msg_id") == msg_id and m["content"]["name"] == "stdout"
        )

    def idle(self, msg_id, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            if any(
                m["msg_type"] == "status"
                and m["content"]["execution_state"] == "idle"
                and m["parent_header"].get("msg_id") == msg_id
                for m in self.iopub
            ):
                return
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{msg_id} not idle")
            self.pump(left)

    def execute(self, code):
        return self.kc.execute(code)

    def reply(self, msg_id, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            m = self.kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic()))
            if m["parent_header"].get("msg_id") == msg_id:
                return m

    def breakpoints(self, code, lines):
        path = self.ok("dumpCell", {"code": code})["sourcePath"]
        body = self.ok(
            "setBreakpoints",
            {"source": {"path": path}, "breakpoints": [{"line": l} for l in lines], "lines": lines, "sourceModified": False},
        )
        check([b.get("line") for b in body.get("breakpoints", [])] == lines, f"setBreakpoints: lines {lines} in reply")
        return path

    def top(self, thread):
        frames = self.ok("stackTrace", {"threadId": thread})["stackFrames"]
        return frames[0] if frames else {}

    def locals(self, frame):
        scopes = self.ok("scopes", {"frameId": frame["id"]})["scopes"]
        ref = scopes[0]["variablesReference"] if scopes else 0
        vs = self.ok("variables", {"variablesReference": ref})["variables"]
        return {v["name"]: v["value"] for v in vs}


def cell_breakpoint(d, info):
    code = 'import "fmt"\nx := 20\ny := x * 2\nfmt.Println("y =", y)'
    path = d.breakpoints(code, [3])
    want = info["tmpFilePrefix"] + str(murmur2(code, info["hashSeed"])) + info["tmpFileSuffix"]
    check(path == want, f"dumpCell path {path} is prefix + Murmur2(code, seed) + suffix ({want})")
    msg_id = d.execute(code)
    stopped = d.event("stopped")
    thread = stopped.get("threadId")
    check(stopped.get("reason") == "breakpoint", f"stopped: reason breakpoint ({stopped})")
    info2 = d.ok("debugInfo")
    check(thread in info2.get("stoppedThreads", []), "debugInfo: stoppedThreads has the stopped thread")
    check(path in [b["source"] for b in info2.get("breakpoints", [])], "debugInfo: breakpoints by source path")
    threads = d.ok("threads")["threads"]
    check(any(t["id"] == thread and t["name"].endswith("(cell)") for t in threads), f"threads lists the cell's stopped goroutine ({threads})")
    top = d.top(thread)
    check(top.get("source", {}).get("path") == path and top.get("line") == 3, f"stackTrace: {path} line 3 ({top})")
    local = d.locals(top)
    check(local.get("x") == "20", f"variables: x = 20 ({local})")
    # The kernel answers shell requests while a goroutine is stopped.
    for req, args in [("kernel_info", {}), ("complete", {"code": "fmt.Pri", "cursor_pos": 7}), ("inspect", {"code": "fmt.Println", "cursor_pos": 5})]:
        mid = getattr(d.kc, req)(**args)
        r = d.reply(mid, timeout=10)
        check(r["content"]["status"] == "ok", f"{req} answers while stopped")
        if req == "kernel_info":
            check(r["content"].get("debugger") is True, "kernel_info: debugger true")
    d.ok("next", {"threadId": thread})
    d.event("continued")
    stopped = d.event("stopped")
    check(stopped.get("reason") == "step", f"next: stopped by a step ({stopped})")
    top = d.top(stopped["threadId"])
    check(top.get("line") == 4, f"next: line 4 ({top})")
    check(d.locals(top).get("y") == "40", "variables after next: y = 40")
    d.ok("continue", {"threadId": stopped["threadId"]})
    r = d.reply(msg_id)
    d.idle(msg_id)
    check(r["content"]["status"] == "ok", "the cell finishes")
    check(d.stdout(msg_id) == "y = 40\n", f"the cell's output ({d.stdout(msg_id)!r})")
    return thread


def ray_breakpoint(d, cell_thread):
    code = (
        'import "fmt"\n'
        "square := ray.Remote(func(n int) int {\n"
        "\tsq := n * n\n"
        "\treturn sq\n"
        "})\n"
        "fmt.Println(ray.Get(square.Remote(9)))"
    )
    path = d.breakpoints(code, [4])
    msg_id = d.execute(code)
    stopped = d.event("stopped")
    thread = stopped.get("threadId")
    threads = {t["id"]: t["name"] for t in d.ok("threads")["threads"]}
    check("ray task" in threads.get(thread, ""), f"the stopped thread is a ray task's goroutine ({threads})")
    check(thread != cell_thread, "the task's goroutine is not the cell's")
    top = d.top(thread)
    check(top.get("source", {}).get("path") == path and top.get("line") == 4, f"stackTrace in the task: line 4 ({top})")
    local = d.locals(top)
    check(local.get("n") == "9" and local.get("sq") == "81", f"task locals n = 9, sq = 81 ({local})")
    d.ok("continue", {"threadId": thread})
    r = d.reply(msg_id)
    d.idle(msg_id)
    check(r["content"]["status"] == "ok" and d.stdout(msg_id) == "81\n", f"the ray cell's output ({d.stdout(msg_id)!r})")


def stopped_task_in_background(d):
    # A task stopped after its cell ended holds up nothing: other cells
    # compile and run; continued, its result arrives.
    code = (
        'import "fmt"\n'
        "inc := ray.Remote(func(n int) int {\n"
        "\tr := n + 1\n"
        "\treturn r\n"
        "})\n"
        "ref := inc.Remote(1)\n"
        'fmt.Println("submitted")'
    )
    d.breakpoints(code, [4])
    msg_id = d.execute(code)
    stopped = d.event("stopped")
    r = d.reply(msg_id)
    d.idle(msg_id)
    check(r["content"]["status"] == "ok" and d.stdout(msg_id) == "submitted\n", "the cell that submitted the task ends")
    msg_id = d.execute('fmt.Println("another cell")')
    r = d.reply(msg_id)
    d.idle(msg_id)
    check(r["content"]["status"] == "ok" and d.stdout(msg_id) == "another cell\n", "another cell runs while the task is stopped")
    d.ok("continue", {"threadId": stopped["threadId"]})
    msg_id = d.execute("fmt.Println(ray.Get(ref))")
    r = d.reply(msg_id)
    d.idle(msg_id)
    check(r["content"]["status"] == "ok" and d.stdout(msg_id) == "2\n", f"the continued task's result ({d.stdout(msg_id)!r})")
    d.ok("setBreakpoints", {"source": {"path": d.ok("dumpCell", {"code": code})["sourcePath"]}, "breakpoints": []})


def thread_events(d):
    first = len(d.iopub)
    code = (
        'import "sync"\n'
        "var wg sync.WaitGroup\n"
        "for i := 0; i < 2; i++ {\n"
        "\twg.Add(1)\n"
        "\tgo func() { defer wg.Done() }()\n"
        "}\n"
        "wg.Wait()\n"
        "double := ray.Remote(func(n int) int { return 2 * n })\n"
        "fmt.Println(ray.Get(double.Remote(21)))"
    )
    msg_id = d.execute(code)
    r = d.reply(msg_id)
    d.idle(msg_id)
    check(r["content"]["status"] == "ok" and d.stdout(msg_id) == "42\n", f"the goroutines' cell runs ({d.stdout(msg_id)!r})")

    def events():
        out = {"started": [], "exited": []}
        for m in d.iopub[first:]:
            if m["msg_type"] == "debug_event" and m["content"].get("event") == "thread":
                b = m["content"]["body"]
                out.setdefault(b["reason"], []).append(b["threadId"])
        return out

    # The goroutines' Exit hooks run after wg.Done: their exited events may
    # follow the cell's idle status.
    deadline = time.monotonic() + TIMEOUT
    while len(events()["exited"]) < 4 and time.monotonic() < deadline:
        d.pump(0.5)
    ev = events()
    started, exited = ev["started"], ev["exited"]
    check(len(started) == 4 and len(set(started)) == 4, f"thread started: the cell's goroutine, two go statements', the ray task's ({started})")
    check(sorted(exited) == sorted(started), f"thread exited for each started thread ({exited})")
    check(set(ev) == {"started", "exited"}, f"thread event reasons ({set(ev)})")
    d.seen = len(d.iopub)


def pause_endless_loop(d, km):
    code = "func spin(limit int) {\n\ttotal := 0\n\tfor i := 0; ; i++ {\n\t\ttotal += i % limit\n\t}\n}\nspin(7)"
    d.seen = len(d.iopub)
    msg_id = d.execute(code)
    while True:
        ev = d.event("thread")
        if ev.get("reason") == "started":
            break
    thread = ev["threadId"]
    d.ok("pause", {"threadId": thread})
    stopped = d.event("stopped")
    check(stopped.get("reason") == "pause" and stopped.get("threadId") == thread, f"pause: stopped with reason pause on the cell's goroutine ({stopped})")
    top = d.top(thread)
    if top.get("line") == 2:
        # Paused at the check of spin's body, before the loop: continued,
        # it is in the loop. JupyterLab's pause sends thread 1 when no
        # thread is stopped: every running goroutine pauses.
        d.ok("continue", {"threadId": thread})
        d.event("continued")
        d.ok("pause", {"threadId": 1})
        stopped = d.event("stopped")
        top = d.top(thread)
    check(top.get("name") == "spin" and top.get("line") == 3, f"pause: in the loop, at the end of its body, on the loop's line 3 ({top})")
    local = d.locals(top)
    check(local.get("limit") == "7" and "i" in local and "total" in local, f"pause: the loop's variables ({local})")
    d.ok("continue", {"threadId": thread})
    d.event("continued")
    km.interrupt_kernel()
    r = d.reply(msg_id)
    d.idle(msg_id)
    check(r["content"]["status"] == "error" and r["content"].get("ename") == "KeyboardInterrupt", f"interrupt after pause: KeyboardInterrupt ({r['content'].get('ename')})")
    msg_id = d.execute('fmt.Println("after pause")')
    r = d.reply(msg_id)
    d.idle(msg_id)
    check(r["content"]["status"] == "ok" and d.stdout(msg_id) == "after pause\n", f"the next cell runs ({d.stdout(msg_id)!r})")


def interrupt_while_stopped(d, km):
    code = 'import "fmt"\na := 1\nb := a + 1\nfmt.Println("reached", b)'
    d.breakpoints(code, [4])
    msg_id = d.execute(code)
    d.event("stopped")
    km.interrupt_kernel()
    r = d.reply(msg_id)
    d.idle(msg_id)
    check(
        r["content"]["status"] == "error" and r["content"].get("ename") == "KeyboardInterrupt",
        f"interrupt while stopped: KeyboardInterrupt ({r['content'].get('ename')})",
    )
    check("reached" not in d.stdout(msg_id), "the interrupted cell stopped before line 4")
    d.ok("disconnect", {"restart": False, "terminateDebuggee": False})
    msg_id = d.execute('fmt.Println(b * 10)')
    r = d.reply(msg_id)
    d.idle(msg_id)
    check(r["content"]["status"] == "ok" and d.stdout(msg_id) == "20\n", f"the next cell runs ({d.stdout(msg_id)!r})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", default="warren")
    args = ap.parse_args()
    km = KernelManager(kernel_name=args.kernel)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=TIMEOUT)
        d = Debugger(kc)
        body = d.ok(
            "initialize",
            {"clientID": "test", "clientName": "debug_test.py", "adapterID": "warren", "pathFormat": "path",
             "linesStartAt1": True, "columnsStartAt1": True, "supportsVariableType": True, "locale": "en"},
        )
        check(body.get("supportsConfigurationDoneRequest") is True, "initialize: capabilities")
        d.ok("attach", {})
        d.event("initialized")
        info = d.ok("debugInfo")
        check(info.get("hashMethod") == "Murmur2" and info.get("isStarted") is True, f"debugInfo: {info}")
        d.ok("configurationDone")
        cell_thread = cell_breakpoint(d, info)
        ray_breakpoint(d, cell_thread)
        stopped_task_in_background(d)
        thread_events(d)
        pause_endless_loop(d, km)
        interrupt_while_stopped(d, km)
    except (TimeoutError, Empty) as e:
        check(False, f"timed out: {e}")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    if failures:
        print(f"{len(failures)} failure(s)", file=sys.stderr)
        sys.exit(1)
    print("all debugger checks passed")


if __name__ == "__main__":
    main()
