# The hub tier's JupyterHub (test/hub/test_hub.py writes the environment it reads): everything on
# 127.0.0.1, a state folder of its own, LocalProcessSpawner running each user's JupyterLab 4 from the
# hub's venv as that Unix user, and one service token (the test) allowed to manage and reach the servers.
# DummyAuthenticator: the test never logs in through the login form, it uses its service token.
import json
import os
import socket

c = get_config()  # noqa: F821 (JupyterHub's config loader defines it)

state = os.environ["TSDL_HUB_STATE"]
users = json.loads(os.environ["TSDL_HUB_USERS"])
venv = os.environ["TSDL_HUB_VENV"]

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ["TSDL_HUB_PORT"])
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["TSDL_HUB_API_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['TSDL_HUB_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [os.environ["TSDL_HUB_CHP"]]
c.JupyterHub.db_url = f"sqlite:///{state}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{state}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = f"{state}/jupyterhub.pid"
c.JupyterHub.cleanup_servers = True

c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allowed_users = set(users)

c.JupyterHub.services = [{"name": "tsdl-hub-test", "api_token": os.environ["TSDL_HUB_TOKEN"]}]
c.JupyterHub.load_roles = [
    {
        "name": "tsdl-hub-test",
        "scopes": ["admin:users", "admin:servers", "access:servers", "read:users"],
        "services": ["tsdl-hub-test"],
    }
]

# `python -m`, not the venv's jupyterhub-singleuser script: its #! line names the folder the venv was
# made in, which test-hub.sh may reach through a bind mount instead.
singleuser = [f"{venv}/bin/python", "-m", "jupyterhub.singleuser"]
c.Spawner.cmd = singleuser
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
# One temp folder shared by all users, as /tmp is on a real hub, but fresh for each run (so the
# first user, not an earlier test, is the first to write into it). What an admin sets per user
# (docs/classroom.md): a thread budget; here 1 each on this 2-core machine, except below.
c.Spawner.environment = {"TMPDIR": os.environ["TSDL_HUB_TMP"], "TSDL_THREADS": "1", "OMP_NUM_THREADS": "1"}


# Each server's port, picked here rather than by LocalProcessSpawner's random_port(), which releases the
# port it drew before the server binds it: nothing keeps two servers spawned at once from drawing the same
# one, and JupyterHub takes any answer below 500 on it (even another user's server's 404) as the server
# being up, though the loser exited when it could not bind. A port given out is not given again.
ports_given = set()


def unique_port():
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in ports_given:
            ports_given.add(port)
            return port


def per_user(spawner):
    """users[0] works under umask 077 (private files, as some sites set with pam_umask). users[0] and
    users[1] run the WebAssembly backend with 2 threads (no native kernels), so the second user's
    threaded start follows the first one's under umask 077 in the same temp folder; the others run
    the default backend (native oneDNN kernels where built) with 1 thread."""
    name = spawner.user.name
    spawner.port = unique_port()
    if name == users[0]:
        spawner.cmd = ["/bin/sh", "-c", 'umask 077 && exec "$0" "$@"', *singleuser]
    if name in users[:2]:
        spawner.environment = {**spawner.environment, "TSDL_NATIVE": "0", "TSDL_THREADS": "2", "TSDL_WASM_THREADS": "2", "OMP_NUM_THREADS": "2"}


c.Spawner.pre_spawn_hook = per_user
