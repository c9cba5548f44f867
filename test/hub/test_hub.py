"""The hub tier: a classroom on one machine. JupyterHub (the pinned PyPI release in .venv-hub, with
configurable-http-proxy from npm) on 127.0.0.1, LocalProcessSpawner, four Unix users made for the test
and removed after it, the first under umask 077, and tsdl installed for all of them with
`tsdl install --sys-prefix` into the hub's venv. Through the hub's REST API the test spawns the four
JupyterLab 4 servers, checks each user sees the "TypeScript (tsdl)" kernelspec and tsdl's Lab
extension, starts a tsdl kernel per user through the server's REST API and drives it over the
kernel-channels websocket: the first user's kernel first (it writes whatever a kernel writes to the
shared /tmp under umask 077), then the other three at once, then one training cell in all four
kernels at once. It records each kernel's first-reply time and RSS (printed, and written to
out/hub-tier.json), stops three servers through the API and kills the fourth (a crashed server leaves
its kernel behind unless the kernel watches its parent), and then no process of any test user may be
left. Run by scripts/test-hub.sh as root."""
import asyncio
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid

import pytest
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VENV = os.environ.get("TSDL_HUB_VENV", os.path.join(ROOT, ".venv-hub"))
CHP = os.environ.get("TSDL_HUB_CHP", os.path.join(VENV, "chp", "node_modules", ".bin", "configurable-http-proxy"))
N_USERS = 4
# A small Keras-style training cell: a 2-layer MLP fitted to a known linear map for 3 epochs.
TRAIN = """
import { keras, layers, tf, backend } from "tsdl";
const x = tf.randomNormal([512, 8], 0, 1, "float32", 7);
const y = x.matMul(tf.tensor2d([[1], [-2], [0.5], [0], [3], [-1], [2], [0.25]]));
const model = keras.Sequential([layers.Dense(32, { inputShape: [8], activation: "relu" }), layers.Dense(1)]);
model.compile({ optimizer: keras.optimizers.Adam(0.01), loss: "mse" });
const h = await model.fit(x, y, { epochs: 3, batchSize: 32, verbose: 0 });
console.log("RESULT " + JSON.stringify({ loss: h.history.loss, backend: String(backend()) }));
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def user_pids(uids):
    """Every process owned by one of these uids: (pid, uid, command line)."""
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            st = os.stat(f"/proc/{d}")
            if st.st_uid in uids:
                with open(f"/proc/{d}/cmdline", "rb") as f:
                    found.append((int(d), st.st_uid, f.read().replace(b"\0", b" ").decode(errors="replace").strip()))
        except (FileNotFoundError, ProcessLookupError):
            pass
    return found


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


def listeners(port):
    """The processes listening on a TCP port: (pid, uid, command line)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                    inodes.add(f"socket:[{fields[9]}]")
    found = []
    for d in filter(str.isdigit, os.listdir("/proc")):
        try:
            if any(os.readlink(f"/proc/{d}/fd/{fd}") in inodes for fd in os.listdir(f"/proc/{d}/fd")):
                with open(f"/proc/{d}/cmdline", "rb") as f:
                    found.append((int(d), os.stat(f"/proc/{d}").st_uid, f.read().replace(b"\0", b" ").decode(errors="replace").strip()[:160]))
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            pass
    return found


async def why_not(hub, user, uid, state, code, body):
    """What a failed request to a user's server met: the hub's record of the server, what listens on its
    port, the user's processes, and the hub log's lines about the user or a port."""
    _, info = await hub.api("GET", f"/hub/api/users/{user}")
    server = (info.get("servers") or {}).get("") if isinstance(info, dict) else None
    with open(os.path.join(state, "jupyterhub.log"), "rb") as f:
        log = f.read().decode(errors="replace").splitlines()
    # The port the hub routes the user to: "Adding user U to proxy /user/U/ => http://127.0.0.1:P".
    routes = [m.group(1) for m in (re.search(rf"Adding user {user} to proxy .* => http://[^:]+:(\d+)", line) for line in log) if m]
    port = int(routes[-1]) if routes else None
    marks = (user, "already in use", "CRITICAL", "ERROR", "Traceback") + ((str(port),) if port else ())
    lines = [line[:240] for line in log if any(m in line for m in marks)][-40:]
    text = body.decode(errors="replace") if isinstance(body, bytes) else json.dumps(body)
    return "\n".join([
        f"{user}: HTTP {code}: {text[:300]}",
        f"the hub's record of the server: {json.dumps(server)}",
        f"listening on port {port}: {listeners(port) if port else '?'}",
        f"{user}'s processes: {[(p, cmd[:160]) for p, _, cmd in user_pids({uid})]}",
        "the hub log's lines about them:", *lines])


def kernel_pids(uid):
    return [p for p, u, cmd in user_pids({uid}) if "dist/cli.js kernel" in cmd]


@pytest.fixture()
def classroom():
    if os.geteuid() != 0:
        pytest.skip("the hub tier makes Unix users: run it as root (CI does)")
    tag = secrets.token_hex(3)
    users = [f"tsdlhub{tag}{i}" for i in range(1, N_USERS + 1)]
    base = tempfile.mkdtemp(prefix="tsdl-hub-")
    os.chmod(base, 0o755)
    homes = os.path.join(base, "home")
    os.mkdir(homes, 0o755)
    state = os.path.join(base, "state")
    os.mkdir(state, 0o700)
    shared_tmp = os.path.join(base, "tmp")
    os.mkdir(shared_tmp)
    os.chmod(shared_tmp, 0o1777)  # like /tmp: everyone writes, only owners remove
    made = []
    hub = None
    log = open(os.path.join(state, "jupyterhub.log"), "wb")
    try:
        for u in users:
            subprocess.run(["useradd", "--create-home", "--home-dir", os.path.join(homes, u), "--shell", "/bin/sh", "--user-group", u], check=True)
            made.append(u)
        uids = {pwd.getpwnam(u).pw_uid: u for u in users}
        env = dict(os.environ)
        env["PATH"] = f"{VENV}/bin:{env['PATH']}"
        # tsdl for all users, the way docs/classroom.md tells an admin: into the hub venv's prefix.
        out = subprocess.run(["node", os.path.join(ROOT, "dist", "cli.js"), "install", "--sys-prefix", "--no-snapshot"], env=env, check=True, capture_output=True, text=True)
        assert os.path.join(VENV, "share", "jupyter", "kernels", "tsdl") in out.stdout, out.stdout
        assert "warning:" not in out.stderr, out.stderr
        token = secrets.token_hex(16)
        ports = {k: str(free_port()) for k in ("TSDL_HUB_PORT", "TSDL_HUB_API_PORT", "TSDL_HUB_PROXY_API_PORT")}
        env.update(ports, TSDL_HUB_STATE=state, TSDL_HUB_USERS=json.dumps(users), TSDL_HUB_VENV=VENV, TSDL_HUB_CHP=CHP, TSDL_HUB_TOKEN=token, TSDL_HUB_TMP=shared_tmp)
        for k in ("JUPYTER_PATH", "JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_PLATFORM_DIRS"):
            env.pop(k, None)
        hub = subprocess.Popen([f"{VENV}/bin/python", "-m", "jupyterhub", "-f", os.path.join(ROOT, "test", "hub", "jupyterhub_config.py")], cwd=state, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        yield {"users": users, "uids": uids, "url": f"http://127.0.0.1:{ports['TSDL_HUB_PORT']}", "token": token, "hub": hub, "state": state}
    finally:
        if hub is not None and hub.poll() is None:
            hub.send_signal(signal.SIGTERM)  # the hub stops the servers it still has (cleanup_servers)
            try:
                hub.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(hub.pid, signal.SIGKILL)
                hub.wait(10)
        log.close()
        left = user_pids({pwd.getpwnam(u).pw_uid for u in made})
        for pid, _, _ in left:  # only the test users' own processes, each by its id
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if made:
            time.sleep(0.5)
        for u in made:
            subprocess.run(["userdel", "--remove", u], check=False, capture_output=True)
        with open(os.path.join(state, "jupyterhub.log"), "rb") as f:
            tail = f.read()[-20000:].decode(errors="replace")
        print("---- jupyterhub.log (tail) ----\n" + tail)
        shutil.rmtree(base, ignore_errors=True)


class Hub:
    def __init__(self, url, token):
        self.url, self.token, self.http = url, token, AsyncHTTPClient()

    def headers(self):
        return {"Authorization": f"token {self.token}"}

    async def api(self, method, path, body=None, timeout=60):
        data = json.dumps(body or {}) if method in ("POST", "PATCH", "PUT") else None
        # Redirects not followed: a redirect is an answer the test reports, not one it hides.
        req = HTTPRequest(self.url + path, method=method, headers=self.headers(), body=data, request_timeout=timeout, follow_redirects=False)
        r = await self.http.fetch(req, raise_error=False)
        return r.code, (json.loads(r.body) if r.body and r.headers.get("Content-Type", "").startswith("application/json") else r.body)

    async def wait_ready(self, timeout=90):
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            try:
                code, _ = await self.api("GET", "/hub/api/", timeout=5)
                if code == 200:
                    return
            except (ConnectionError, OSError):
                pass
            await asyncio.sleep(0.5)
        raise AssertionError(f"the hub did not answer /hub/api/ within {timeout} s")

    async def spawn(self, user, timeout=180):
        code, body = await self.api("POST", f"/hub/api/users/{user}/server")
        assert code in (201, 202), (code, body)
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            code, info = await self.api("GET", f"/hub/api/users/{user}")
            server = (info.get("servers") or {}).get("") if code == 200 else None
            if server and server.get("ready"):
                return time.monotonic() - t0
            await asyncio.sleep(0.5)
        raise AssertionError(f"{user}'s server was not ready within {timeout} s")

    async def stop(self, user, timeout=90):
        code, body = await self.api("DELETE", f"/hub/api/users/{user}/server")
        assert code in (202, 204), (code, body)
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            code, info = await self.api("GET", f"/hub/api/users/{user}")
            if code == 200 and not info.get("servers"):
                return
            await asyncio.sleep(0.5)
        raise AssertionError(f"{user}'s server did not stop within {timeout} s")


class Kernel:
    """One tsdl kernel in one user's server: started over REST, driven over the channels websocket."""

    def __init__(self, hub, user):
        self.hub, self.user, self.session = hub, user, uuid.uuid4().hex

    async def start(self):
        t0 = time.monotonic()
        code, body = await self.hub.api("POST", f"/user/{self.user}/api/kernels", {"name": "tsdl"}, timeout=120)
        assert code == 201, (self.user, code, body)
        self.id = body["id"]
        ws_url = self.hub.url.replace("http", "ws", 1) + f"/user/{self.user}/api/kernels/{self.id}/channels?session_id={self.session}"
        self.ws = await websocket_connect(HTTPRequest(ws_url, headers=self.hub.headers(), request_timeout=120), max_message_size=64 << 20)
        info = await self.request("kernel_info_request", {}, timeout=90)
        self.first_reply_s = time.monotonic() - t0
        assert info["content"]["status"] == "ok" and info["content"]["implementation"] == "tsdl", info["content"]
        return self.first_reply_s

    async def request(self, msg_type, content, timeout):
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "msg_type": msg_type, "session": self.session, "username": self.user, "date": "", "version": "5.3"}
        await self.ws.write_message(json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell", "buffers": []}))
        self.outputs, reply, idle = [], None, False
        deadline = time.monotonic() + timeout
        while reply is None or not idle:
            left = deadline - time.monotonic()
            assert left > 0, f"{self.user}: no {msg_type} reply within {timeout} s"
            raw = await asyncio.wait_for(self.ws.read_message(), left)
            assert raw is not None, f"{self.user}: the kernel websocket closed"
            msg = json.loads(raw)
            t = msg["header"]["msg_type"]
            if t == "status" and msg["content"]["execution_state"] in ("restarting", "dead"):
                raise AssertionError(f"{self.user}'s tsdl kernel died ({msg['content']['execution_state']}) while waiting for its {msg_type} reply: see the server log below")
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if msg["channel"] == "shell" and t.endswith("_reply"):
                reply = msg
            elif t == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
            elif t in ("execute_result", "stream", "error", "display_data"):
                self.outputs.append(msg)
        return reply

    async def execute(self, code, timeout=180):
        reply = await self.request("execute_request", {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}, timeout)
        return reply["content"], self.outputs


async def scenario(c):
    hub = Hub(c["url"], c["token"])
    users, uids = c["users"], c["uids"]
    uid_of = {u: i for i, u in uids.items()}
    await hub.wait_ready()
    t0 = time.monotonic()
    spawn_s = await asyncio.gather(*(hub.spawn(u) for u in users))
    spawned_all_s = time.monotonic() - t0
    for u in users:
        code, specs = await hub.api("GET", f"/user/{u}/api/kernelspecs")
        if code != 200:
            raise AssertionError(await why_not(hub, u, uid_of[u], c["state"], code, specs))
        assert specs["kernelspecs"]["tsdl"]["spec"]["display_name"] == "TypeScript (tsdl)", (u, specs)
        code, page = await hub.api("GET", f"/user/{u}/lab")
        if code != 200:
            raise AssertionError(await why_not(hub, u, uid_of[u], c["state"], code, page))
        assert b"tsdl-jupyterlab" in page, f"{u}'s JupyterLab page does not load tsdl's extension"
    # The first user's server runs under umask 077: its kernel starts first, alone.
    kernels = {u: Kernel(hub, u) for u in users}
    await kernels[users[0]].start()
    await asyncio.gather(*(kernels[u].start() for u in users[1:]))
    # One training cell in every kernel at once.
    t1 = time.monotonic()
    results = await asyncio.gather(*(kernels[u].execute(TRAIN) for u in users))
    train_all_s = time.monotonic() - t1
    report = {"users": [], "spawn_all_s": round(spawned_all_s, 2), "train_all_s": round(train_all_s, 2)}
    for i, (u, (reply, outputs)) in enumerate(zip(users, results)):
        assert reply["status"] == "ok", (u, reply.get("ename"), reply.get("evalue"), reply.get("traceback"))
        printed = "".join(m["content"]["text"] for m in outputs if m["header"]["msg_type"] == "stream")
        assert "RESULT " in printed, (u, printed)
        value = json.loads(printed.split("RESULT ", 1)[1].splitlines()[0])
        loss = value["loss"]
        assert len(loss) == 3 and all(v == v and v < 1e6 for v in loss) and loss[-1] < loss[0], (u, loss)
        pids = kernel_pids(uid_of[u])
        assert len(pids) == 1, (u, pids)
        if i < 2:  # the WebAssembly backend, threaded: also for the user after the umask-077 one
            assert value["backend"].startswith("wasm: WebAssembly with tsdl's kernels (tfjs-backend-wasm, 2 threads)"), (u, value["backend"])
        report["users"].append({"user": f"user{i + 1}", "umask": "077" if i == 0 else "default", "spawn_s": round(spawn_s[i], 2),
                                "first_reply_s": round(kernels[u].first_reply_s, 2), "kernel_rss_mib": round(rss_mib(pids[0]), 1),
                                # The kernel's TypeScript service runs in a process of its own: part of a student's cost.
                                "ts_server_rss_mib": round(sum(rss_mib(p) for p, _, cmd in user_pids({uid_of[u]}) if "ts_server.cjs" in cmd), 1),
                                "server_rss_mib": round(sum(rss_mib(p) for p, _, cmd in user_pids({uid_of[u]}) if "jupyterhub.singleuser" in cmd), 1),
                                "loss": [round(v, 4) for v in loss], "backend": value["backend"]})
    for k in kernels.values():
        k.ws.close()
    # Three servers stopped through the API; the fourth killed, as a crash would (its kernel is orphaned).
    server_pids = {u: [p for p, _, cmd in user_pids({uid_of[u]}) if "jupyterhub.singleuser" in cmd] for u in users}
    assert all(server_pids.values()), server_pids
    for pid in server_pids[users[-1]]:
        os.kill(pid, signal.SIGKILL)
    t2 = time.monotonic()
    await asyncio.gather(*(hub.stop(u) for u in users))
    # The kernels, their TypeScript processes and the servers must be gone within seconds. The one
    # thing a kernel leaves on purpose is its start-up snapshot build (a niced cache writer for the
    # user's next start, ts_client.ts): it may run on, but must end by itself.
    survivors = [p for p in user_pids(set(uids)) if not is_snapshot_build(p[2])]
    while survivors and time.monotonic() - t2 < 20:
        await asyncio.sleep(0.5)
        survivors = [p for p in user_pids(set(uids)) if not is_snapshot_build(p[2])]
    report["stop_all_s"] = round(time.monotonic() - t2, 2)
    if survivors:
        return report, survivors
    builders = user_pids(set(uids))
    report["snapshot_builds_after_stop"] = len([p for p in builders if "--build-snapshot" in p[2] and "/bin/sh" not in p[2]])
    while builders and time.monotonic() - t2 < 240:
        await asyncio.sleep(1)
        builders = user_pids(set(uids))
    report["all_gone_s"] = round(time.monotonic() - t2, 2)
    return report, builders


def is_snapshot_build(cmd):
    return "--build-snapshot" in cmd and "/.tsdl/cache/kernel/" in cmd


def test_four_students_train_at_once_and_nothing_survives_the_stop(classroom):
    t0 = time.monotonic()
    report, survivors = asyncio.run(asyncio.wait_for(scenario(classroom), 420))
    report["total_s"] = round(time.monotonic() - t0, 2)
    os.makedirs(os.path.join(ROOT, "out"), exist_ok=True)
    with open(os.path.join(ROOT, "out", "hub-tier.json"), "w") as f:
        json.dump(report, f, indent=2)
    print("\nhub tier:", json.dumps({k: v for k, v in report.items() if k != "users"}))
    for r in report["users"]:
        print(f"  {r['user']} (umask {r['umask']}): server ready {r['spawn_s']} s, first kernel reply {r['first_reply_s']} s, kernel RSS {r['kernel_rss_mib']} MiB (+ {r['ts_server_rss_mib']} MiB TypeScript process; server {r['server_rss_mib']} MiB), loss {r['loss']}, {r['backend'].splitlines()[0]}")
    assert not survivors, "processes of the test users still running after their servers stopped:\n" + "\n".join(f"  {p} uid {u}: {cmd[:200]}" for p, u, cmd in survivors)
