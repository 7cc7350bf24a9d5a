#!/usr/bin/env python3
"""Stand-in for docker-stacks' start-notebook.py: runs
`jupyter $DOCKER_STACKS_JUPYTER_CMD $NOTEBOOK_ARGS ARGS...`."""
import os
import shlex
import sys

cmd = ["jupyter", os.environ.get("DOCKER_STACKS_JUPYTER_CMD", "lab")]
cmd += shlex.split(os.environ.get("NOTEBOOK_ARGS", ""))
cmd += sys.argv[1:]
print("Executing: " + " ".join(cmd), flush=True)
os.execvp(cmd[0], cmd)
