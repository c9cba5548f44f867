"""Jupyter's own kernel conformance suite (jupyter_kernel_test) against the tsdl kernel over ZeroMQ.

Run by scripts/test-kernel.sh, which installs the kernelspec into a temporary JUPYTER_PATH.
"""
import unittest

import jupyter_kernel_test

PNG_1x1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="


def rich(bundle: str) -> str:
    return "display({ [Symbol.for('Jupyter.display')]: () => (%s) })" % bundle


class TsdlKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "tsdl"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = "console.log('hello, world')"
    code_stderr = "console.error('something went wrong')"

    completion_samples = [
        {"text": "Math.ab", "matches": {"abs"}},
        {"text": "const longVariableName = 1; longVariab", "matches": {"longVariableName"}},
    ]
    complete_code_samples = ["1", "const x = 1;", "function f() { return 1; }", "for (const i of [1, 2]) console.log(i);"]
    incomplete_code_samples = ["function f() {", "const a = [1,", "if (true) {", "const s = `abc", "/* a comment"]
    invalid_code_samples = ["1 +* 2", "const = 5;", "}", "x = ) + 1"]

    code_generate_error = "throw new Error('boom')"
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "'a' + 'b'", "result": "'ab'"},
        {"code": "[1, 2].map((x) => x * 2)", "result": "[ 2, 4 ]"},
    ]
    code_display_data = [
        {"code": rich("{ 'text/html': '<b>bold</b>', 'text/plain': 'bold' }"), "mime": "text/html"},
        {"code": rich("{ 'image/png': '%s', 'text/plain': 'a pixel' }" % PNG_1x1), "mime": "image/png"},
        {"code": rich("{ 'text/markdown': '# title', 'text/plain': 'title' }"), "mime": "text/markdown"},
        {"code": rich("{ 'image/svg+xml': '<svg xmlns=\"http://www.w3.org/2000/svg\"/>' }"), "mime": "image/svg+xml"},
        {"code": "display('plain text')", "mime": "text/plain"},
    ]
    code_history_pattern = "6*"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "Math.max"
    code_clear_output = "clearOutput()"


if __name__ == "__main__":
    unittest.main()
