"""`tsdl install --prefix` as an admin uses it for every user, checked with Jupyter's own tools from
.venv: `jupyter kernelspec list` and `jupyter labextension list` find what it installed, a kernel
started from that kernelspec answers, files stay readable by all under the admin's umask 077, and the
launcher finds another Node when the installing one is gone, or says how to re-run the install."""
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.path.join(ROOT, "dist", "cli.js")
BIN = os.path.dirname(sys.executable)


@pytest.fixture(scope="module")
def prefix():
    d = tempfile.mkdtemp(prefix="tsdl-prefix-")
    # The admin's umask 077 must not leave files only they can read.
    out = subprocess.run(["node", CLI, "install", "--prefix", d], capture_output=True, text=True, check=True, preexec_fn=lambda: os.umask(0o077))
    assert f"re-run: tsdl install --prefix {d}" in out.stdout, out.stdout
    yield d
    shutil.rmtree(d, ignore_errors=True)


def jupyter_env(prefix):
    env = dict(os.environ, JUPYTER_PATH=os.path.join(prefix, "share", "jupyter"))
    env.pop("JUPYTER_DATA_DIR", None)
    return env


def test_jupyter_kernelspec_and_labextension_list_see_the_prefix(prefix):
    out = subprocess.run([os.path.join(BIN, "jupyter"), "kernelspec", "list", "--json"], env=jupyter_env(prefix), capture_output=True, text=True, check=True)
    specs = json.loads(out.stdout)["kernelspecs"]
    here = os.path.join(prefix, "share", "jupyter", "kernels", "tsdl")
    assert specs["tsdl"]["resource_dir"] == here
    spec = specs["tsdl"]["spec"]
    assert spec["argv"] == ["/bin/sh", "{resource_dir}/tsdl-kernel", "--connection-file", "{connection_file}"]
    assert spec["metadata"]["tsdl"]["reinstall"] == f"tsdl install --prefix {prefix}"
    out = subprocess.run([os.path.join(BIN, "jupyter"), "labextension", "list"], env=jupyter_env(prefix), capture_output=True, text=True)
    listing = out.stdout + out.stderr
    assert re.search(r"tsdl-jupyterlab v\S+ .*enabled.*OK", listing), listing
    assert os.path.join(prefix, "share", "jupyter", "labextensions") in listing
    assert stat.S_IMODE(os.stat(os.path.join(prefix, "share")).st_mode) == 0o755
    for dirpath, dirs, files in os.walk(os.path.join(prefix, "share", "jupyter")):
        assert stat.S_IMODE(os.stat(dirpath).st_mode) == 0o755, dirpath
        for f in files:
            mode = stat.S_IMODE(os.stat(os.path.join(dirpath, f)).st_mode)
            assert mode in (0o644, 0o755), (f, oct(mode))
    assert stat.S_IMODE(os.stat(os.path.join(here, "tsdl-kernel")).st_mode) == 0o755


def start(kernel_dir, stderr):
    ksm = KernelSpecManager(kernel_dirs=[os.path.dirname(kernel_dir)])
    km = KernelManager(kernel_name="tsdl", kernel_spec_manager=ksm)
    km.start_kernel(stderr=stderr)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=90)
    return km, kc


def answers_one_plus_one(kernel_dir, stderr_path):
    """Starts a kernel from `kernel_dir` (its stderr to `stderr_path`), runs 1 + 1, shuts it down."""
    with open(stderr_path, "w") as err:
        km, kc = start(kernel_dir, err)
        try:
            return one_plus_one(kc)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)


def one_plus_one(kc):
    seen = []
    reply = kc.execute_interactive("1 + 1", timeout=60, output_hook=lambda m: seen.append(m) if m["msg_type"] == "execute_result" else None)
    assert reply["content"]["status"] == "ok"
    return seen[0]["content"]["data"]["text/plain"]


def test_a_kernel_started_from_the_installed_kernelspec_answers(prefix, tmp_path):
    kernel_dir = os.path.join(prefix, "share", "jupyter", "kernels", "tsdl")
    assert answers_one_plus_one(kernel_dir, tmp_path / "stderr") == "2"


def copy_with(prefix, tmp_path, old, new):
    """A copy of the installed kernelspec whose launcher has `old` replaced by `new`."""
    src = os.path.join(prefix, "share", "jupyter", "kernels", "tsdl")
    dst = tmp_path / "kernels" / "tsdl"
    shutil.copytree(src, dst)
    script = (dst / "tsdl-kernel").read_text()
    assert old in script
    (dst / "tsdl-kernel").write_text(script.replace(old, new))
    return str(dst)


def test_the_node_that_installed_is_gone_the_kernel_runs_on_the_node_on_path(prefix, tmp_path):
    node = shutil.which("node")
    kernel_dir = copy_with(prefix, tmp_path, "node_installed=", "node_installed=/nonexistent/node-v0 #")
    assert answers_one_plus_one(kernel_dir, tmp_path / "stderr") == "2"
    said = (tmp_path / "stderr").read_text()
    assert "tsdl kernel: /nonexistent/node-v0 (the Node that ran tsdl install) is not there or not runnable" in said and f"using {node}" in said, said


def test_no_node_at_all_or_tsdl_gone_names_the_command_that_reinstalls(prefix, tmp_path):
    kernel_dir = copy_with(prefix, tmp_path, "node_installed=", "node_installed=/nonexistent/node-v0 #")
    r = subprocess.run(["/bin/sh", os.path.join(kernel_dir, "tsdl-kernel"), "--connection-file", "x.json"], env={"PATH": "/nonexistent"}, capture_output=True, text=True, timeout=30)
    assert r.returncode == 1
    assert "PATH (/nonexistent) has no node" in r.stderr and f"re-run: tsdl install --prefix {prefix}" in r.stderr, r.stderr
    moved = copy_with(prefix, tmp_path / "moved", "cli=", "cli=/nonexistent/tsdl/dist/cli.js #")
    r = subprocess.run(["/bin/sh", os.path.join(moved, "tsdl-kernel"), "--connection-file", "x.json"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 1
    assert "/nonexistent/tsdl/dist/cli.js is missing or not readable" in r.stderr and f"re-run: tsdl install --prefix {prefix}" in r.stderr, r.stderr
