// `tsdl install` into a folder: the kernelspec, the built JupyterLab extension and classic Notebook's
// plotly.js, each where Jupyter looks for it; a reinstall leaves no stale bundle; bad input is named.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { install, jupyterDataDir, LABEXTENSION_NAME, pythonPrefix, reinstallCommand } from "../../src/kernel/install.ts";

const ROOT = resolve(import.meta.dirname, "..", "..");

test("install --prefix: kernelspec with logos, the federated extension, plotly.js for classic Notebook", () => {
  const prefix = mkdtempSync(join(tmpdir(), "tsdl-install-"));
  const done = install({ where: "prefix", prefix });
  const data = join(prefix, "share", "jupyter");
  assert.equal(done.dataDir, data);
  const spec = JSON.parse(readFileSync(join(data, "kernels", "tsdl", "kernel.json"), "utf8"));
  assert.equal(spec.display_name, "TypeScript (tsdl)");
  assert.equal(spec.language, "typescript");
  // Through the launcher beside kernel.json, which picks the Node at each start.
  assert.deepEqual(spec.argv, ["/bin/sh", "{resource_dir}/tsdl-kernel", "--connection-file", "{connection_file}"]);
  assert.equal(spec.metadata.debugger, false);
  assert.deepEqual(spec.metadata.tsdl, { node: process.execPath, nodeVersion: process.version, cli: join(ROOT, "dist", "cli.js"), reinstall: `tsdl install --prefix ${prefix}` });
  const launcher = readFileSync(join(data, "kernels", "tsdl", "tsdl-kernel"), "utf8");
  assert.match(launcher, /^#!\/bin\/sh\n/);
  assert.ok(launcher.includes(`\nnode_installed=${process.execPath}\n`) && launcher.includes(`\ncli=${join(ROOT, "dist", "cli.js")}\n`), launcher);
  assert.match(launcher, /\nexec "\$node" "\$cli" kernel "\$@"\n$/);
  assert.equal(statSync(join(data, "kernels", "tsdl", "tsdl-kernel")).mode & 0o777, 0o755);
  assert.ok(readFileSync(join(data, "kernels", "tsdl", "logo-64x64.png")).subarray(1, 4).equals(Buffer.from("PNG")));
  const ext = join(data, "labextensions", LABEXTENSION_NAME);
  const meta = JSON.parse(readFileSync(join(ext, "package.json"), "utf8"));
  assert.equal(meta.jupyterlab.mimeExtension, true);
  assert.match(meta.jupyterlab._build.load, /^static\/remoteEntry\.[0-9a-f]+\.js$/);
  assert.ok(existsSync(join(ext, meta.jupyterlab._build.load)));
  const plotly = readFileSync(join(ROOT, "node_modules", "plotly.js-dist-min", "plotly.min.js"));
  assert.ok(readFileSync(join(ext, "static", "plotly.min.js")).equals(plotly), "served at /lab/extensions/tsdl-jupyterlab/static/");
  assert.ok(readFileSync(join(data, "nbextensions", "tsdl", "plotly.min.js")).equals(plotly), "served at /nbextensions/tsdl/");
  // A stale bundle of an older build does not survive a reinstall.
  writeFileSync(join(ext, "static", "remoteEntry.0000.js"), "old");
  install({ where: "prefix", prefix });
  assert.ok(!readdirSync(join(ext, "static")).includes("remoteEntry.0000.js"));
});

test("the CLI says what it installed, and names bad options", () => {
  const prefix = mkdtempSync(join(tmpdir(), "tsdl-install-cli-"));
  const run = spawnSync(process.execPath, [join(ROOT, "dist", "cli.js"), "install", "--prefix", prefix], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  const out = run.stdout;
  assert.match(out, new RegExp(`re-run: tsdl install --prefix ${prefix}\n`));
  // mkdtemp's folder is 0700: other users would not see this kernelspec, and the CLI says so.
  assert.match(run.stderr, new RegExp(`^warning: the kernelspec at ${prefix}/share/jupyter/kernels/tsdl is not reachable by other users \\(${prefix} not open to others\\)`));
  assert.match(out, /Installed the "TypeScript \(tsdl\)" kernel in .*kernels\/tsdl\nInstalled the JupyterLab extension in .*labextensions\/tsdl-jupyterlab\n/);
  const fail = (args: string[]) => {
    try {
      execFileSync(process.execPath, [join(ROOT, "dist", "cli.js"), "install", ...args], { encoding: "utf8", stdio: "pipe" });
    } catch (e) {
      return String((e as { stderr: string }).stderr);
    }
    assert.fail("expected a failure");
  };
  assert.match(fail(["--prefix"]), /--prefix needs a value/);
  assert.match(fail(["--bogus"]), /unknown option "--bogus"/);
});

test("the re-install command names the resolved folder, quoted for sh where needed", () => {
  assert.equal(reinstallCommand({ where: "prefix", prefix: "x" }, "/opt/hub/share/jupyter"), "tsdl install --prefix /opt/hub");
  assert.equal(reinstallCommand({ where: "sys-prefix" }, "/opt/my hub/share/jupyter"), "tsdl install --prefix '/opt/my hub'");
  assert.equal(reinstallCommand({}, "/home/a/.local/share/jupyter"), "tsdl install --user");
  assert.equal(reinstallCommand({ where: "user", name: "tsdl2" }, "/x"), "tsdl install --user --name tsdl2");
  assert.equal(reinstallCommand({ where: "prefix", name: "it's" }, "/p/share/jupyter"), "tsdl install --prefix /p --name 'it'\\''s'");
});

test("--sys-prefix is the prefix of the python asked; a missing python is a clear error", () => {
  const venv = join(ROOT, ".venv", "bin", "python");
  if (existsSync(venv)) assert.equal(realpathSync(pythonPrefix(venv)), realpathSync(join(ROOT, ".venv")));
  assert.equal(jupyterDataDir({ where: "sys-prefix", python: "python3" }), join(pythonPrefix("python3"), "share", "jupyter"));
  assert.throws(() => jupyterDataDir({ where: "sys-prefix", python: "/nonexistent/python3" }), /cannot ask \/nonexistent\/python3 for its sys\.prefix.*PATH=\.venv\/bin/);
  assert.throws(() => jupyterDataDir({ where: "prefix" }), /--prefix needs a folder/);
});
