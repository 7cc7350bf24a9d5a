"""Writes a notebook from a source whose cells start with a line "%% code"
(or "%% md"): mknb.py SRC OUT.ipynb. Used by tests/native/run.sh."""
import sys

import nbformat

src, out = sys.argv[1], sys.argv[2]
nb = nbformat.v4.new_notebook()
nb.metadata["kernelspec"] = {"name": "warren", "display_name": "Go (warren)", "language": "go"}
nb.metadata["language_info"] = {"name": "go"}
kind, lines = None, []


def flush():
    if kind is None:
        return
    text = "\n".join(lines).strip("\n")
    cell = nbformat.v4.new_code_cell(text) if kind == "code" else nbformat.v4.new_markdown_cell(text)
    nb.cells.append(cell)


for line in open(src).read().split("\n"):
    if line.startswith("%% "):
        flush()
        kind, lines = line[3:].strip(), []
    else:
        lines.append(line)
flush()
nbformat.write(nb, out)
