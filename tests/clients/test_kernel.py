"""jupyter_kernel_test suite for the warren Go kernel.

Run with `python3 -m unittest -v test_kernel` (pytest 7.2 skips subtests).
The kernelspec name defaults to "warren"; set WARREN_KERNEL_NAME to change it.
"""
import os
import unittest

import jupyter_kernel_test as jkt


class WarrenKernelTests(jkt.KernelTests):
    kernel_name = os.environ.get("WARREN_KERNEL_NAME", "warren")
    language_name = "go"
    file_extension = ".go"

    code_hello_world = 'import "fmt"\nfmt.Println("hello, world")'
    code_stderr = 'import (\n\t"fmt"\n\t"os"\n)\nfmt.Fprintln(os.Stderr, "to stderr")'
    code_generate_error = "undefinedFunction()"

    completion_samples = [
        {"text": "import \"strings\"\nstrings.HasPre", "matches": {"HasPrefix"}},
        {"text": "import \"strings\"\nstrings.ToUpp", "matches": {"ToUpper", "ToUpperSpecial"}},
        {"text": "fun", "matches": {"func"}},
    ]

    complete_code_samples = [
        "x := 1",
        'import "fmt"\nfmt.Println("done")',
        "func f() int {\n\treturn 1\n}",
        "s := `raw\nstring`",
    ]
    incomplete_code_samples = [
        "func f() int {",
        "x := []int{\n\t1,",
        "if true {\n\tprintln(1)",
        "s := `unterminated",
        "y := max(1,",
    ]
    invalid_code_samples = [
        "x := )",
        "}",
        "func f() {\n}}",
    ]

    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": "40 + 2", "result": "42"},
        {"code": "z := 6\nz * 7", "result": "42"},
        {"code": 'import "strings"\nstrings.Repeat("ab", 2)', "result": '"abab"'},
        {"code": 'import "display"\ndisplay.HTML("<i>hi</i>")', "mime": "text/html"},
    ]
    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "40*"

    code_inspect_sample = "strings.ToUpper"

    code_clear_output = 'import "display"\ndisplay.Clear(false)'

    code_display_data = [
        {"code": 'import "display"\ndisplay.Show(display.HTML("<b>hi</b>"))', "mime": "text/html"},
        {"code": 'import "display"\ndisplay.Show(display.Markdown("*md*"))', "mime": "text/markdown"},
    ]


if __name__ == "__main__":
    unittest.main(verbosity=2)
