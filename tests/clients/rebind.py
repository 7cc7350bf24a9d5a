"""Measure what a client sees when a kernel's ports are re-bound by a new
process (the design warren did not choose for fatal errors; see README,
"Fatal errors"). Measured, not asserted.

    /usr/bin/python3 tests/clients/rebind.py bin/warren [TRIALS]

A jupyter_client BlockingKernelClient stays connected while the kernel
process is killed and a new one binds the same ports; the first cell sent
right after the re-bind shows whether its shell reply and iopub messages
arrive.
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file


def main():
    warren = os.path.abspath(sys.argv[1])
    trials = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    tmp = tempfile.mkdtemp()
    cf, _ = write_connection_file(os.path.join(tmp, "conn.json"), ip="127.0.0.1", key=b"rebind-key")

    def start():
        return subprocess.Popen([warren, "kernel", "--connection-file", cf], stderr=subprocess.DEVNULL)

    kc = BlockingKernelClient(connection_file=cf)
    kc.load_connection_file()
    proc = start()
    kc.start_channels()
    kc.wait_for_ready(timeout=30)

    def run(code, timeout):
        mid = kc.execute(code)
        try:
            rep = kc.get_shell_msg(timeout=timeout)
        except Exception:
            return "no shell reply"
        got = []
        while True:
            try:
                m = kc.get_iopub_msg(timeout=timeout)
            except Exception:
                return f"shell reply {rep['content']['status']}; iopub {got or 'nothing'}, no idle within {timeout}s"
            if m["parent_header"].get("msg_id") != mid:
                continue
            got.append(m["msg_type"])
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                return f"shell reply {rep['content']['status']}; iopub {got}"

    print("before:", run("1+1", 30))
    lost = 0
    for trial in range(trials):
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        t0 = time.monotonic()
        proc = start()
        res = run("2+2", 10)
        lost += "no idle" in res or "no shell" in res
        print(f"re-bind {trial + 1}: first cell: {res} ({time.monotonic() - t0:.2f}s)")
        run("3+3", 10)  # let the client catch up before the next trial
    print(f"first cell's iopub or reply lost after {lost} of {trials} re-binds")
    kc.stop_channels()
    proc.kill()


if __name__ == "__main__":
    main()
