"""Headless execution by `jupyter nbconvert --execute` (nbclient): the saved notebook holds outputs,
execution counts and errors as Jupyter's own Python kernel would leave them."""
import re
import subprocess
import sys
from pathlib import Path

import nbformat

CELLS = [
    "import { keras, layers, tf } from 'tsdl';\nconsole.log('hello from tsdl')",
    "const model = keras.Sequential([layers.Dense(4, { inputShape: [3], activation: 'relu' }), layers.Dense(2, { activation: 'softmax' })]);\nmodel.countParams()",
    "model.summary()",
    "throw new TypeError('this cell fails on purpose')",
    "const n: number = 'not a number';",
    "console.error('after the errors');\n6 * 7",
    "display({ [Symbol.for('Jupyter.display')]: () => ({ 'text/html': '<i>rich</i>', 'text/plain': 'rich' }) })",
]


def make_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "tsdl", "display_name": "TypeScript (tsdl)", "language": "typescript"}
    nb.cells = [nbformat.v4.new_code_cell(c) for c in CELLS]
    nbformat.write(nb, path)


def nbconvert(path: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=120", *extra, "--output", path.stem + ".out", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_allow_errors_runs_every_cell_and_saves_structured_outputs(tmp_path):
    src = tmp_path / "errors.ipynb"
    make_notebook(src)
    r = nbconvert(src, "--allow-errors")
    assert r.returncode == 0, r.stderr
    nb = nbformat.read(tmp_path / "errors.out.ipynb", as_version=4)
    counts = [c.execution_count for c in nb.cells]
    assert counts == list(range(1, len(CELLS) + 1))
    out = [c.outputs for c in nb.cells]
    assert out[0] == [nbformat.v4.new_output("stream", name="stdout", text="hello from tsdl\n")]
    assert out[1][0].output_type == "execute_result" and out[1][0].data["text/plain"] == "26"
    assert out[1][0].execution_count == 2
    assert "Total params: 26" in (out[2][0].get("text") or out[2][0].get("data", {}).get("text/plain", ""))
    assert out[3][0].output_type == "error" and out[3][0].ename == "TypeError" and out[3][0].evalue == "this cell fails on purpose"
    assert isinstance(out[3][0].traceback, list) and out[3][0].traceback
    assert out[4][0].output_type == "error" and out[4][0].ename == "TypeScriptError"
    assert "not assignable to type 'number'" in out[4][0].evalue
    assert out[5][0] == nbformat.v4.new_output("stream", name="stderr", text="after the errors\n")
    assert out[5][1].data["text/plain"] == "42"
    assert out[6][0].output_type == "display_data" and out[6][0].data["text/html"] == "<i>rich</i>"
    assert nb.metadata["language_info"]["name"] == "typescript"


def test_without_allow_errors_nbconvert_fails_at_the_error(tmp_path):
    src = tmp_path / "errors.ipynb"
    make_notebook(src)
    r = nbconvert(src)
    assert r.returncode != 0
    assert "this cell fails on purpose" in r.stderr


def test_nbconvert_html_shows_figures_as_the_static_svg_with_whole_epoch_ticks(tmp_path):
    """nbconvert's HTML (and nbviewer, GitHub) run no server: a figure is its static SVG, epochs 1, 2, 3."""
    src = tmp_path / "figure.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "tsdl", "display_name": "TypeScript (tsdl)", "language": "typescript"}
    nb.cells = [nbformat.v4.new_code_cell("import { display } from 'tsdl';\ndisplay.plotHistory({ loss: [1, 0.5, 0.25], val_loss: [1.1, 0.7, 0.4] })")]
    nbformat.write(nb, src)
    r = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--execute", "--ExecutePreprocessor.timeout=120", "--output", "figure", str(src)],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    html = (tmp_path / "figure.html").read_text()
    svg = html[html.index("<svg "):html.index("</svg>")]
    # nbconvert re-serialises the HTML (attributes in its own order): match them in any order.
    x_ticks = re.findall(r'<text(?=[^>]*text-anchor="middle")(?=[^>]*font-size="10")[^>]*>([^<]+)<', svg)
    assert x_ticks == ["1", "2", "3"], x_ticks
    assert "Plotly, Inc." not in html, "plotly.js is not inlined"
    assert "nbextensions/tsdl/plotly.min.js" in html, "the loader that draws where a server serves plotly.js"
