"""Drive the warren kernel with jupyter_client: interrupts, cells that try to
kill the process, state surviving them, Go fatal errors reported under their
cell, undecodable and replayed requests, restart and shutdown over control.

    python3 client_test.py [--kernel warren]          run the checks (exit 1 on failure)
    python3 client_test.py --bench [--out FILE]       measure warren vs ipykernel
    python3 client_test.py --bench --interleave --kernel A --compare B   A/B round trips side by side

Needs the kernelspec installed (tests/clients/run.sh does it).
"""
import argparse
import os
import signal
import socket
import statistics
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


def start(name):
    km = KernelManager(kernel_name=name)
    t0 = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)
    return km, kc, time.perf_counter() - t0


def shell_reply(kc, msg_id, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no reply to {msg_id}")
        msg = kc.get_shell_msg(timeout=left)
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def wait_idle(kc, msg_id, timeout=TIMEOUT):
    """Return the iopub messages of msg_id up to its idle status."""
    out = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
        except Empty:
            break
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return out
        out.append(msg)
    raise TimeoutError(f"no idle for {msg_id}")


def run(kc, code, timeout=TIMEOUT):
    msg_id = kc.execute(code, stop_on_error=False)
    reply = shell_reply(kc, msg_id, timeout)
    outputs = wait_idle(kc, msg_id, timeout)
    return reply["content"], outputs


def text_of(outputs):
    parts = []
    for m in outputs:
        c = m["content"]
        if m["msg_type"] == "stream":
            parts.append(c["text"])
        elif m["msg_type"] in ("execute_result", "display_data"):
            parts.append(c["data"].get("text/plain", ""))
        elif m["msg_type"] == "error":
            parts.append(c["ename"] + ": " + c["evalue"])
    return "".join(parts)


def control_request(kc, msg_type, content=None, timeout=5):
    msg = kc.session.msg(msg_type, content or {})
    kc.control_channel.send(msg)
    deadline = time.monotonic() + timeout
    while True:
        reply = kc.get_control_msg(timeout=max(0.01, deadline - time.monotonic()))
        if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
            return reply


def session_processes(km):
    """PIDs of the kernel process's children (warren's session process)."""
    pid = km.provisioner.process.pid
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            out.append(int(d))
    return out


# ZMTP 3.0 NULL greeting, byte for byte: ff 00x7 01 7f 03 00 "NULL" 00x16 00x32.
GREETING = bytes.fromhex("ff00000000000000017f0300") + b"NULL" + bytes(16) + bytes(32)


def ready(socket_type):
    body = b"\x05READY\x0bSocket-Type" + len(socket_type).to_bytes(4, "big") + socket_type
    return bytes([0x04, len(body)]) + body


def hostile(km, kc):
    """The byte sequences and connections that killed, blocked or starved
    the kernel while zmq4 faced the network (issue 9 section 5)."""
    info = km.get_connection_info()
    ip = info["ip"]
    ports = {"shell": (info["shell_port"], b"DEALER"), "control": (info["control_port"], b"DEALER"),
             "stdin": (info["stdin_port"], b"DEALER"), "iopub": (info["iopub_port"], b"SUB"),
             "hb": (info["hb_port"], b"REQ")}
    attacks = {
        "frame length 2^63-1 before the handshake": lambda t: GREETING + bytes.fromhex("067fffffffffffffff"),
        "frame length 2^63-1 after the handshake": lambda t: GREETING + ready(t) + bytes.fromhex("027fffffffffffffff"),
        "frame length 100 GiB": lambda t: GREETING + ready(t) + bytes.fromhex("020000001900000000"),
        "READY cut short": lambda t: GREETING + bytes.fromhex("040d05") + b"READY\x0bSocket",
    }
    for what, payload in attacks.items():
        for port, typ in ports.values():
            with socket.create_connection((ip, port)) as s:
                s.sendall(payload(typ))
                s.settimeout(5)
                try:
                    while s.recv(65536):
                        pass
                except OSError:
                    pass
        content, outs = run(kc, "1+1")
        check(km.is_alive() and content["status"] == "ok" and text_of(outs) == "2",
              f"hostile ZMTP on every port ({what}): kernel alive and serving")

    # Idle TCP connections (one silent, one stopped after the greeting) on
    # every port; a new client is served while they stay open.
    idle = []
    for port, _ in ports.values():
        idle.append(socket.create_connection((ip, port)))
        half = socket.create_connection((ip, port))
        half.sendall(GREETING)
        idle.append(half)
    try:
        t0 = time.perf_counter()
        kc2 = km.client()
        kc2.start_channels()
        try:
            msg_id = kc2.kernel_info()
            reply = shell_reply(kc2, msg_id, timeout=10)
            took = time.perf_counter() - t0
            check(reply["msg_type"] == "kernel_info_reply" and took < 2,
                  f"idle connections on every port: a new client's kernel_info_reply in {took*1000:.0f} ms")
            content, outs = run(kc2, "3+4")
            check(content["status"] == "ok" and text_of(outs) == "7",
                  "idle connections on every port: the new client runs a cell with its output")
        finally:
            kc2.stop_channels()
    finally:
        for s in idle:
            s.close()

    # A subscriber that never reads: another client gets all of 20 MB of
    # output and its idle status.
    slow = socket.create_connection((ip, info["iopub_port"]))
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.sendall(GREETING + ready(b"SUB") + bytes([0x00, 0x01, 0x01]))
    try:
        time.sleep(0.2)
        t0 = time.perf_counter()
        content, outs = run(kc, 'import ("fmt"; "strings")\n'
                            'fmt.Print(strings.Repeat(strings.Repeat("x", 63)+"\\n", 20<<20/64))', timeout=120)
        took = time.perf_counter() - t0
        n = sum(len(m["content"]["text"]) for m in outs if m["msg_type"] == "stream")
        check(content["status"] == "ok" and n == 20 << 20,
              f"a subscriber that never reads: another client got {n} of {20 << 20} bytes and idle in {took:.2f} s")
    finally:
        slow.close()


def checks(name):
    km, kc, _ = start(name)
    try:
        content, _ = run(kc, "x := 41")
        check(content["status"] == "ok", "define x")

        # A GetAll still waiting after a second shows progress that updates
        # in place: display_data with a display_id, then update_display_data.
        content, outs = run(kc, "import (\"fmt\"; \"time\")\n"
                            "slowP := ray.Remote(func(i int) int { time.Sleep(1500 * time.Millisecond); return i })\n"
                            "refsP := []ray.ObjectRef{}\n"
                            "for i := 0; i < 4; i++ { refsP = append(refsP, slowP.Remote(i)) }\n"
                            "fmt.Println(ray.GetAll(refsP...))")
        shown = [m for m in outs if m["msg_type"] == "display_data"
                 and m["content"]["transient"].get("display_id", "").startswith("ray-progress-")]
        updates = [m for m in outs if m["msg_type"] == "update_display_data"]
        check(content["status"] == "ok" and "[0 1 2 3]" in text_of(outs), "a long GetAll returns its values")
        check(len(shown) == 1, "a long GetAll opens one progress display")
        check(shown and updates and all(u["content"]["transient"]["display_id"] ==
                                        shown[0]["content"]["transient"]["display_id"] for u in updates)
              and "4/4 done" in updates[-1]["content"]["data"]["text/plain"],
              "the progress display is updated in place and ends at 4/4 done")

        # user_expressions are evaluated after a cell that succeeded.
        msg_id = kc.execute("y := 5", user_expressions={"double": "y * 2", "bad": "nosuchName"})
        rep = shell_reply(kc, msg_id)["content"]
        wait_idle(kc, msg_id)
        ue = rep.get("user_expressions", {})
        check(rep["status"] == "ok" and ue.get("double", {}).get("status") == "ok"
              and ue["double"]["data"].get("text/plain") == "10"
              and ue.get("bad", {}).get("status") == "error" and ue["bad"].get("ename") == "CompileError",
              f"user_expressions evaluated: {ue}")

        # display.ShowID / display.Update: one display, updated in place.
        content, outs = run(kc, "import \"display\"\ndisplay.ShowID(\"bar\", \"0%\")\n"
                            "for _, v := range []string{\"50%\", \"100%\"} { display.Update(\"bar\", v) }")
        shown = [m for m in outs if m["msg_type"] == "display_data"]
        updates = [m for m in outs if m["msg_type"] == "update_display_data"]
        check(content["status"] == "ok" and len(shown) == 1 and shown[0]["content"]["transient"].get("display_id") == "bar"
              and [u["content"]["data"]["text/plain"] for u in updates] == ["50%", "100%"]
              and all(u["content"]["transient"]["display_id"] == "bar" for u in updates),
              "display.ShowID then display.Update send display_data and update_display_data with the id")

        # ray semantics through the kernel: immutable objects, a resize that
        # would strand a blocked task is refused, the process-as-they-finish
        # Wait loop.
        content, outs = run(kc, "ray.Init(ray.NumCPUs(2))\n"
                            "buf := []int{0}\nvar prefs []ray.ObjectRef\n"
                            "for i := 1; i <= 3; i++ {\n\tbuf[0] = i\n\tprefs = append(prefs, ray.Put(buf))\n}\n"
                            "data := []int{1, 2}\nray.Get(ray.Remote(func(s []int) int { s[0] = 9; return s[0] }).Remote(data))\n"
                            "fmt.Println(\"put:\", ray.GetAll(prefs...), \"data:\", data)")
        check(content["status"] == "ok" and "put: [[1] [2] [3]] data: [1 2]" in text_of(outs),
              f"ray objects are immutable ({text_of(outs).strip()!r})")
        content, outs = run(kc, "func tryInit() (msg string) {\n"
                            "\tdefer func() {\n\t\tif r := recover(); r != nil {\n\t\t\tmsg = fmt.Sprint(r)\n\t\t}\n\t}()\n"
                            "\tray.Init(ray.NumCPUs(1))\n\treturn \"accepted\"\n}\n"
                            "func strand() string {\n\trelease := make(chan bool)\n"
                            "\tchild := ray.Remote(func() int { <-release; return 1 })\n"
                            "\tparent := ray.Remote(func() int { return ray.Get(child.Remote()).(int) + 1 }).Options(ray.TaskCPUs(2))\n"
                            "\tpref := parent.Remote()\n\tmsg := tryInit()\n\tclose(release)\n"
                            "\treturn fmt.Sprint(\"init: \", msg, \" parent: \", ray.Get(pref), \" CPUs: \", ray.ClusterResources()[\"CPU\"])\n}\n"
                            "fmt.Println(strand())")
        out = text_of(outs)
        check(content["status"] == "ok" and "cannot resize to 1 CPUs" in out and " parent: 2 CPUs: 2" in out,
              f"a re-Init that would strand a blocked task is refused ({out.strip()[:120]!r})")
        content, outs = run(kc, "inc := ray.Remote(func(i int) int { return i + 1 })\nvar wrefs []ray.ObjectRef\n"
                            "for i := 0; i < 500; i++ {\n\twrefs = append(wrefs, inc.Remote(i))\n}\n"
                            "n := 0\nfor len(wrefs) > 0 {\n\tvar ready []ray.ObjectRef\n\tready, wrefs = ray.Wait(wrefs, 1, -1)\n\tn += len(ready)\n}\n"
                            "fmt.Println(\"waited:\", n)")
        check(content["status"] == "ok" and "waited: 500" in text_of(outs), "the Wait(refs, 1, -1) loop sees every task")

        # Actors through the kernel: interrupting a cell cancels the actor
        # call it waits for, and the actor lives on.
        content, outs = run(kc, "type Ctr struct{ n int }\n"
                            "ctr := ray.NewActor(func() *Ctr { return &Ctr{} }, ray.ActorName(\"ctr\"))\n"
                            "fmt.Println(\"first:\", ray.Get(ctr.Remote(func(s *Ctr) int { s.n++; return s.n })))")
        check(content["status"] == "ok" and "first: 1" in text_of(outs), f"an actor call ({text_of(outs).strip()!r})")
        msg_id = kc.execute("ray.Get(ctr.Remote(func(s *Ctr) int {\n\tfor {\n\t}\n}))")
        time.sleep(0.5)
        control_request(kc, "interrupt_request")
        rep = shell_reply(kc, msg_id, timeout=5)
        wait_idle(kc, msg_id)
        check(rep["content"]["status"] == "error", "a cell waiting for a spinning actor call is interrupted")
        content, outs = run(kc, "c2, _ := ray.GetActor(\"ctr\")\n"
                            "fmt.Println(\"after:\", ray.Get(c2.Remote(func(s *Ctr) int { s.n++; return s.n })))")
        check(content["status"] == "ok" and "after: 2" in text_of(outs),
              f"the actor lives on after the interrupt ({text_of(outs).strip()!r})")

        # for {} interrupted through interrupt_request on control.
        msg_id = kc.execute("for {}")
        time.sleep(0.5)
        t0 = time.monotonic()
        reply = control_request(kc, "interrupt_request")
        check(reply["msg_type"] == "interrupt_reply", "interrupt_reply arrives on control")
        rep = shell_reply(kc, msg_id, timeout=2)
        took = time.monotonic() - t0
        outs = wait_idle(kc, msg_id)
        check(rep["content"]["status"] == "error" and took < 2,
              f"for {{}} interrupted with an error in {took:.2f}s ({rep['content'].get('ename')})")
        check([m["msg_type"] for m in outs].count("error") == 1, "interrupt reported as one error output")

        # SIGINT (Ctrl-C in a terminal) interrupts the cell the same way.
        msg_id = kc.execute("for {}")
        time.sleep(0.5)
        t0 = time.monotonic()
        km.signal_kernel(signal.SIGINT)
        rep = shell_reply(kc, msg_id, timeout=2)
        wait_idle(kc, msg_id)
        check(rep["content"]["status"] == "error" and km.is_alive(),
              f"SIGINT interrupts for {{}} in {time.monotonic() - t0:.2f}s, kernel alive")

        # A goroutine spinning in interpreted code keeps the next cell from
        # compiling (a race inside yaegi otherwise): CompileBlocked after
        # ~2 s, nothing run; an interrupt stops the goroutine.
        run(kc, "import \"sync/atomic\"\nvar spinStop atomic.Bool\ngo func() {\n\tfor !spinStop.Load() {\n\t}\n}()")
        content, outs = run(kc, "blockedProbe := 1\nblockedProbe")
        errs = [m["content"] for m in outs if m["msg_type"] == "error"]
        check(content["status"] == "error" and content.get("ename") == "CompileBlocked"
              and "goroutine started by cell[" in content.get("evalue", "") and len(errs) == 1,
              f"a cell behind a spinning goroutine fails with CompileBlocked ({content.get('ename')}: {content.get('evalue', '')[:80]})")
        msg_id = kc.execute("func afterSpin() int { return 7 }")
        time.sleep(0.5)
        control_request(kc, "interrupt_request")
        shell_reply(kc, msg_id)
        wait_idle(kc, msg_id)
        content, outs = run(kc, "import \"fmt\"\nfunc afterSpin() int { return 7 }\nfmt.Println(afterSpin())")
        check(content["status"] == "ok" and text_of(outs).strip() == "7",
              "after an interrupt the spinning goroutine is stopped and cells run")

        # Interrupted while blocked in compiled code (wg.Wait, released by a
        # timer 6 s later): KeyboardInterrupt, then later cells fail with
        # CompileBlocked until wg.Wait returns (never compile while the
        # stopped code can still run), then run; the stopped cell did not go on.
        run(kc, "import (\"sync\"; \"time\")\nvar stuckWG sync.WaitGroup\nstuckWG.Add(1)\ntime.AfterFunc(6*time.Second, stuckWG.Done)\nvar wentOn bool")
        msg_id = kc.execute("stuckWG.Wait()\nwentOn = true")
        time.sleep(0.5)
        control_request(kc, "interrupt_request")
        rep = shell_reply(kc, msg_id)
        wait_idle(kc, msg_id)
        check(rep["content"].get("ename") == "KeyboardInterrupt", f"wg.Wait interrupted ({rep['content'].get('ename')})")
        content, outs = run(kc, "func afterStuck() {}")
        check(content.get("ename") == "CompileBlocked" and "interrupted cell[" in content.get("evalue", ""),
              f"a cell after an interrupted wg.Wait fails with CompileBlocked while it blocks ({content.get('ename')})")
        deadline = time.monotonic() + 30
        while True:
            content, outs = run(kc, "fmt.Println(wentOn)")
            if content["status"] == "ok" or time.monotonic() > deadline:
                break
        check(content["status"] == "ok" and text_of(outs).strip() == "false",
              "cells run once wg.Wait returned, and the interrupted cell did not go on")

        # (label, code, accepted (status, ename of the error output or None,
        # text the cell's output must contain))
        goroutine_panic = [
            # reported on the cell's stderr while the cell goes on ...
            ("ok", None, "goroutine started by the cell failed: panic: boom in goroutine"),
            # ... or as the cell's error (the integration branch does this)
            ("error", "panic", "panic: boom in goroutine"),
        ]
        for label, code, accepted in [
            ("os.Exit(3)", 'import "os"\nos.Exit(3)', [("error", "Exit", "os.Exit(3) called")]),
            ("panic in a goroutine", 'import "time"\ngo func() { panic("boom in goroutine") }()\ntime.Sleep(200 * time.Millisecond)',
             goroutine_panic),
            ("log.Fatal", 'import "log"\nlog.Fatal("fatal!")', [("error", "Exit", "log.Fatal called: fatal!")]),
        ]:
            content, outs = run(kc, code)
            errs = [m["content"]["ename"] for m in outs if m["msg_type"] == "error"]
            check(any(content["status"] == status and content.get("ename") == ename
                      and errs == ([ename] if ename else []) and says in text_of(outs)
                      for status, ename, says in accepted),
                  f"{label}: status {content['status']}, ename {content.get('ename')}, output {text_of(outs).strip()[:80]!r}")
            time.sleep(0.3)
            alive = km.is_alive()
            check(alive, f"kernel alive after {label}")
            if not alive:
                return
            content, outs = run(kc, "x + 1")
            check(content["status"] == "ok" and "42" in text_of(outs),
                  f"next cell after {label} sees x (got {text_of(outs).strip()!r})")

        # Go fatal errors cannot be recovered in-process: the session process
        # dies, the cell reports a FatalError saying so, and the next cell
        # runs in a fresh session.
        map_goroutines = ('import "sync"\nm := map[int]int{}\nvar wg sync.WaitGroup\n'
                          'for g := 0; g < 8; g++ {\n\twg.Add(1)\n\tgo func(g int) {\n\t\tdefer wg.Done()\n'
                          '\t\tfor i := 0; i < 1000000; i++ {\n\t\t\tm[i] = g\n\t\t}\n\t}(g)\n}\nwg.Wait()')
        map_tasks = ('m := map[int]int{}\nw := ray.Remote(func(g int) int {\n\tfor i := 0; i < 1000000; i++ {\n'
                     '\t\tm[i] = g\n\t}\n\treturn g\n})\nrefs := []ray.ObjectRef{}\n'
                     'for g := 0; g < 8; g++ {\n\trefs = append(refs, w.Remote(g))\n}\nray.GetAll(refs...)')
        # where: the kind of goroutine, then the interpreted code it ran
        # (mapped to the cell's lines), then a line of the cell that can
        # cause this kind of error.
        for label, code, want, where in [
            ("concurrent map writes (8 goroutines)", map_goroutines, "concurrent map writes",
             ["go statement", "function body from line 7 | defer wg.Done()", "  9 | m[i] = g"]),
            ("concurrent map writes (8 ray tasks)", map_tasks, "concurrent map writes",
             ["ray task", "function body from line 3 | for i := 0; i < 1000000; i++ {", "  4 | m[i] = g"]),
            ("stack overflow", "func f(n int) int { return f(n+1) + 1 }\nf(0)", "stack overflow",
             ["own code", "function body from line 1 | func f(n int)", "top-level statements from line 2 | f(0)"]),
            ("out of memory", "b := make([]byte, 1<<40)\nlen(b)", "out of memory",
             ["own code", "top-level statements from line 1 | b := make("]),
        ]:
            t0 = time.monotonic()
            msg_id = kc.execute(code, stop_on_error=False)
            rep = shell_reply(kc, msg_id, timeout=60)["content"]
            outs = wait_idle(kc, msg_id, timeout=60)
            errs = [m["content"] for m in outs if m["msg_type"] == "error"]
            tb = "\n".join(errs[0]["traceback"]) if errs else ""
            check(rep["status"] == "error" and rep.get("ename") == "FatalError" and want in rep.get("evalue", ""),
                  f"{label}: execute_reply status error, FatalError {rep.get('evalue')!r} in {time.monotonic() - t0:.1f}s")
            missing = [w for w in where + ["state was lost"] if w not in tb]
            check(len(errs) == 1 and errs[0]["ename"] == "FatalError" and not missing,
                  f"{label}: one iopub error under the cell says where (cell lines) and that state was lost"
                  + (f"; lacks {missing}" if missing else ""))
            content, outs = run(kc, "1+1")
            check(content["status"] == "ok" and text_of(outs) == "2" and km.is_alive(),
                  f"{label}: next cell runs in a fresh session (got {text_of(outs)!r})")

        # Output printed while a cell runs arrives before the cell ends: the
        # cell sleeps 700 ms after printing, so the stream must come well
        # before the execute_reply.
        msg_id = kc.execute('import ("fmt"; "time")\nfmt.Println("early")\ntime.Sleep(700 * time.Millisecond)\nfmt.Println("late")')
        t0 = time.monotonic()
        first = None
        while first is None and time.monotonic() - t0 < 10:
            m = kc.get_iopub_msg(timeout=10)
            if m["msg_type"] == "stream" and m["parent_header"].get("msg_id") == msg_id:
                first = time.monotonic()
        shell_reply(kc, msg_id)
        ahead = time.monotonic() - first if first else 0
        wait_idle(kc, msg_id)
        check(ahead > 0.4, f"stream output arrives while the cell runs ({ahead:.2f}s before the reply)")

        # fmt.Scanln asks the client for a line: input_request on stdin,
        # answered with input_reply; the printed prompt comes first.
        msg_id = kc.execute('import "fmt"\nvar name string\nfmt.Print("Name? ")\nfmt.Scanln(&name)\nfmt.Println("hello", name)',
                            allow_stdin=True)
        req = kc.get_stdin_msg(timeout=TIMEOUT)
        check(req["msg_type"] == "input_request" and req["parent_header"].get("msg_id") == msg_id,
              "fmt.Scanln sends input_request on stdin")
        kc.input("Gopher")
        rep = shell_reply(kc, msg_id)
        text = text_of(wait_idle(kc, msg_id))
        check(rep["content"]["status"] == "ok" and text == "Name? hello Gopher\n",
              f"the input reaches the cell (got {text!r})")

        # os.Stdin read directly (bufio.Reader, bufio.Scanner) asks the same
        # way, one input_request per line read.
        msg_id = kc.execute('import ("bufio"; "fmt"; "os")\nfmt.Print("Line? ")\n'
                            'line, err := bufio.NewReader(os.Stdin).ReadString(\'\\n\')\n'
                            'fmt.Printf("%q %v\\n", line, err)\n'
                            'sc := bufio.NewScanner(os.Stdin)\nsc.Scan()\nfmt.Println("scanned", sc.Text())',
                            allow_stdin=True)
        answered = 0
        for value in ["first line", "second"]:
            req = kc.get_stdin_msg(timeout=TIMEOUT)
            if req["msg_type"] == "input_request" and req["parent_header"].get("msg_id") == msg_id:
                answered += 1
            kc.input(value)
        rep = shell_reply(kc, msg_id)
        text = text_of(wait_idle(kc, msg_id))
        check(answered == 2 and rep["content"]["status"] == "ok"
              and text == 'Line? "first line\\n" <nil>\nscanned second\n',
              f"bufio on os.Stdin sends input_request per line and gets the input (got {text!r})")

        # Requests whose content cannot be decoded get an error reply.
        for msg_type, content in [
            ("execute_request", {"code": 5, "silent": False}),
            ("complete_request", {"code": 5, "cursor_pos": 0}),
            ("inspect_request", {"code": ["x"], "cursor_pos": 0, "detail_level": 0}),
        ]:
            msg = kc.session.msg(msg_type, content)
            kc.shell_channel.send(msg)
            try:
                rep = shell_reply(kc, msg["header"]["msg_id"], timeout=10)
                outs = wait_idle(kc, msg["header"]["msg_id"], timeout=10)
            except (TimeoutError, Empty):
                rep, outs = None, []
            c = rep["content"] if rep else {}
            errs = [m for m in outs if m["msg_type"] == "error"]
            check(rep is not None and rep["msg_type"] == msg_type.replace("_request", "_reply")
                  and c.get("status") == "error" and c.get("ename") == "InvalidRequest"
                  and (msg_type != "execute_request" or len(errs) == 1),
                  f"undecodable {msg_type}: error reply {c.get('evalue', 'none')!r}")

        # A signed message sent twice unchanged runs once (jupyter_client's
        # Session rejects replays the same way).
        msg = kc.session.msg("execute_request", {"code": 'import "fmt"\nfmt.Println("replayed?")', "silent": False,
                                                  "store_history": True, "user_expressions": {},
                                                  "allow_stdin": False, "stop_on_error": False})
        kc.shell_channel.send(msg)
        kc.shell_channel.send(msg)
        first = shell_reply(kc, msg["header"]["msg_id"])
        inputs = [m for m in wait_idle(kc, msg["header"]["msg_id"]) if m["msg_type"] == "execute_input"]
        follow = kc.execute("1+1")
        nxt = kc.get_shell_msg(timeout=TIMEOUT)
        check(first["content"]["status"] == "ok" and len(inputs) == 1
              and nxt["parent_header"].get("msg_id") == follow,
              f"a replayed execute_request is not run again (next reply answers {nxt['parent_header'].get('msg_id') == follow and 'the next cell' or 'the replay'})")
        wait_idle(kc, follow)

        hostile(km, kc)

        # restart_request (what a notebook's Restart does): a fresh kernel
        # whose first cell works; the old kernel and its session process end.
        old = session_processes(km)
        check(len(old) == 1, f"the kernel runs one session process ({len(old)})")
        km.restart_kernel(now=False)
        kc.wait_for_ready(timeout=TIMEOUT)
        content, outs = run(kc, "1+1")
        check(content["status"] == "ok" and text_of(outs) == "2", "a cell runs after restart_request")
        deadline = time.monotonic() + 5
        while any(os.path.exists(f"/proc/{p}") for p in old) and time.monotonic() < deadline:
            time.sleep(0.05)
        check(not any(os.path.exists(f"/proc/{p}") for p in old), "the old session process ended on restart")

        # A forced restart (the kernel process is killed): its session
        # process sees its pipe close and exits too.
        old = session_processes(km)
        km.restart_kernel(now=True)
        kc.wait_for_ready(timeout=TIMEOUT)
        content, outs = run(kc, "2+3")
        check(content["status"] == "ok" and text_of(outs) == "5", "a cell runs after a forced restart")
        deadline = time.monotonic() + 5
        while any(os.path.exists(f"/proc/{p}") for p in old) and time.monotonic() < deadline:
            time.sleep(0.05)
        check(old and not any(os.path.exists(f"/proc/{p}") for p in old),
              "the killed kernel's session process ended")

        # shutdown_request on control: reply on control, then the process exits.
        children = session_processes(km)
        reply = control_request(kc, "shutdown_request", {"restart": False})
        check(reply["msg_type"] == "shutdown_reply" and reply["content"]["status"] == "ok",
              "shutdown_reply arrives on control")
        deadline = time.monotonic() + 5
        while km.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        check(not km.is_alive(), "kernel process exited after shutdown_request")
        deadline = time.monotonic() + 5
        while any(os.path.exists(f"/proc/{p}") for p in children) and time.monotonic() < deadline:
            time.sleep(0.05)
        check(children and not any(os.path.exists(f"/proc/{p}") for p in children),
              "the session process exited after shutdown_request")
    finally:
        kc.stop_channels()
        if km.is_alive():
            km.shutdown_kernel(now=True)


def bench(names, n, out):
    codes = {"warren": "1", "python3": "1"}
    lines = []
    for name in names:
        starts = []
        for _ in range(5):
            km, kc, took = start(name)
            starts.append(took)
            kc.stop_channels()
            km.shutdown_kernel(now=False)
        km, kc, _ = start(name)
        code = codes.get(name, "1")
        for _ in range(5):
            run(kc, code)
        rtt, idle = [], []
        for _ in range(n):
            t0 = time.perf_counter()
            msg_id = kc.execute(code)
            shell_reply(kc, msg_id)
            rtt.append(time.perf_counter() - t0)
            wait_idle(kc, msg_id)
            idle.append(time.perf_counter() - t0)
        kc.stop_channels()
        km.shutdown_kernel(now=False)
        info = km.kernel_spec.display_name
        lines.append(
            f"{name:8s} ({info}): start-up (start -> kernel_info_reply) median {statistics.median(starts)*1000:.0f} ms "
            f"(min {min(starts)*1000:.0f}, max {max(starts)*1000:.0f}, 5 starts); "
            f"execute {code!r} round trip median {statistics.median(rtt)*1000:.2f} ms "
            f"(p90 {sorted(rtt)[int(n*0.9)-1]*1000:.2f}), to idle median {statistics.median(idle)*1000:.2f} ms, n={n}"
        )
        print(lines[-1], flush=True)
    if out:
        with open(out, "w") as f:
            f.write("\n".join(lines) + "\n")


def bench_interleaved(names, n):
    """Round trips of execute "1" on two kernels running side by side,
    alternating request by request, so machine load hits both alike."""
    kernels = [start(name)[:2] for name in names]
    rtt = {name: [] for name in names}
    try:
        for km, kc in kernels:
            for _ in range(5):
                run(kc, "1")
        for _ in range(n):
            for name, (km, kc) in zip(names, kernels):
                t0 = time.perf_counter()
                msg_id = kc.execute("1")
                shell_reply(kc, msg_id)
                rtt[name].append(time.perf_counter() - t0)
                wait_idle(kc, msg_id)
        # Interrupt latency: interrupt_request (on control) to the
        # interrupted cell's execute_reply.
        intr = {name: [] for name in names}
        for _ in range(10):
            for name, (km, kc) in zip(names, kernels):
                msg_id = kc.execute("for {}")
                time.sleep(0.3)
                t0 = time.perf_counter()
                km.interrupt_kernel()
                shell_reply(kc, msg_id)
                intr[name].append(time.perf_counter() - t0)
                wait_idle(kc, msg_id)
    finally:
        for km, kc in kernels:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    for name in names:
        r = sorted(rtt[name])
        print(f"{name:10s} execute '1' round trip median {statistics.median(r)*1000:.2f} ms "
              f"(p10 {r[n//10]*1000:.2f}, p90 {r[int(n*0.9)-1]*1000:.2f}), n={n}, interleaved; "
              f"interrupt of for {{}} to its reply median {statistics.median(intr[name])*1000:.1f} ms "
              f"(max {max(intr[name])*1000:.1f}, n=10)", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", default="warren")
    ap.add_argument("--bench", action="store_true")
    ap.add_argument("--compare", default="python3", help="kernel to compare with in --bench")
    ap.add_argument("-n", type=int, default=50)
    ap.add_argument("--out")
    ap.add_argument("--interleave", action="store_true",
                    help="with --bench: run both kernels side by side, alternating requests")
    args = ap.parse_args()
    if args.bench and args.interleave:
        bench_interleaved([args.kernel, args.compare], args.n)
        return 0
    if args.bench:
        bench([args.kernel, args.compare], args.n, args.out)
        return 0
    checks(args.kernel)
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print("all client checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
