#!/bin/bash
# Stand-in for docker-stacks' start.sh: runs its command. (The real one
# also adapts NB_USER/NB_UID/NB_GID when started as root, grants sudo and
# runs the start-notebook.d and before-notebook.d hooks.)
set -e
if [ $# -eq 0 ]; then set -- bash; fi
exec "$@"
