#!/bin/bash
# The legacy name of start-notebook.py, as in docker-stacks.
exec /usr/local/bin/start-notebook.py "$@"
