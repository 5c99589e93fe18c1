"""A JupyterLab server for the browser tests: on loopback only, with its own config, data, runtime, settings and
workspace folders (nothing of the user's is read or written), the notebook kernel installed from
``frontier.report.kernel`` into a scratch prefix (so the kernel is this checkout's), and no network (extension manager
read-only, no news or update checks, every outgoing HTTP request pointed at a dead proxy)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from frontier import paths
from frontier.report import kernel

TOKEN = "frontier-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LabServer:
    """``jupyter lab`` serving ``root`` on 127.0.0.1; :meth:`url` gives a page's address with the token."""

    def __init__(self, root: Path, scratch: Path, timeout_s: float = 120.0):
        self.root = root
        self.port = _free_port()
        prefix = scratch / "prefix"
        kernel.install(prefix)
        dead = "http://127.0.0.1:9"
        env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(scratch / "config"),
            "JUPYTER_DATA_DIR": str(scratch / "data"),
            "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
            "JUPYTER_PATH": str(prefix / "share" / "jupyter"),  # searched first: this checkout's kernel
            "PYTHONPATH": os.pathsep.join([str(paths.ROOT / "lib"), os.environ.get("PYTHONPATH", "")]).rstrip(":"),
            "http_proxy": dead,
            "https_proxy": dead,
            "HTTP_PROXY": dead,
            "HTTPS_PROXY": dead,
            "no_proxy": "127.0.0.1,localhost",
            "NO_PROXY": "127.0.0.1,localhost",
        }
        args = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--port-retries=0",
            f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={root}",
            "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: the tests read the notebook model
            f"--LabApp.workspaces_dir={scratch / 'workspaces'}",
            f"--LabApp.user_settings_dir={scratch / 'settings'}",
            "--LabApp.news_url=",
            "--LabApp.extension_manager=readonly",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        news = scratch / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
        news.parent.mkdir(parents=True, exist_ok=True)
        news.write_text('{"fetchNews": "false"}', encoding="utf-8")  # no news prompt over the page
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--allow-root")
        self.log = scratch / "lab.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
        self._wait(timeout_s)

    def _api(self, method: str, path: str, timeout_s: float = 10.0) -> Any:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # straight to loopback
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/api/{path}?token={TOKEN}", method=method)
        with opener.open(req, timeout=timeout_s) as r:
            body = r.read()
        return json.loads(body) if body else None

    def shutdown_sessions(self) -> None:
        """Stop every notebook's kernel (one test's kernels do not hold memory through the next)."""
        for session in self._api("GET", "sessions"):
            self._api("DELETE", f"sessions/{session['id']}", timeout_s=30)

    def _wait(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("JupyterLab exited: " + self.log.read_text(errors="replace")[-2000:])
            try:
                self._api("GET", "status", timeout_s=2)
                return
            except OSError:
                time.sleep(0.5)
        self.close()
        raise RuntimeError("JupyterLab did not answer within the time allowed")

    def url(self, path: str, query: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}?{query + '&' if query else ''}token={TOKEN}"

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


# what the tests ask the page: the notebook in the main area, its kernel, its model
CURRENT = "jupyterapp.shell.currentWidget"
KERNEL_STATUS = (
    f"(() => {{ const w = window.jupyterapp && {CURRENT}; const s = w && w.sessionContext;"
    " return s && s.session && s.session.kernel ? s.session.kernel.status : 'none'; })()"
)


def wait_for(browser: Any, expression: str, expected: Any, timeout_s: float = 120.0) -> None:
    """Poll a page expression until it gives ``expected``."""
    deadline = time.monotonic() + timeout_s
    value = None
    while time.monotonic() < deadline:
        try:
            value = browser.evaluate(expression)
        except RuntimeError:  # the app is still starting
            value = None
        if value == expected:
            return
        time.sleep(0.5)
    raise TimeoutError(f"{expression[:80]} gave {value!r}, waited for {expected!r}")


def open_notebook(browser: Any, lab: LabServer, name: str) -> None:
    """Open ``name`` (relative to the server's root) as the only document (a fresh workspace, the kernels of
    earlier notebooks stopped) and wait until its kernel is idle."""
    lab.shutdown_sessions()
    browser.open(lab.url(f"lab/tree/{name}", "reset"), settle_s=1, timeout_s=120)
    wait_for(browser, "window.jupyterapp ? jupyterapp.restored.then(() => true) : false", True)
    wait_for(browser, f"(() => {{ const w = {CURRENT}; return !!(w && w.context && w.context.path) }})()", True)
    wait_for(browser, f"{CURRENT}.context.path", name)
    wait_for(browser, f"{CURRENT}.sessionContext.ready.then(() => true)", True)
    wait_for(browser, KERNEL_STATUS, "idle")


def open_beside(browser: Any, name: str) -> None:
    """Open ``name`` in the Lab page already open (beside the notebooks open there) and wait until it is the
    current document and its kernel is idle: one page load serves several notebooks."""
    browser.evaluate(f"jupyterapp.commands.execute('docmanager:open', {{path: {json.dumps(name)}}}); true")
    wait_for(browser, f"(() => {{ const w = {CURRENT}; return w && w.context ? w.context.path : null }})()", name)
    wait_for(browser, f"{CURRENT}.sessionContext.ready.then(() => true)", True)
    wait_for(browser, KERNEL_STATUS, "idle")


#: every open notebook's path and whether Lab marked it modified
OPEN_DOCUMENTS_DIRTY = (
    "Object.fromEntries(Array.from(jupyterapp.shell.widgets('main'))"
    ".filter(w => w.context).map(w => [w.context.path, w.context.model.dirty]))"
)


def run_all(browser: Any, timeout_s: float = 600.0) -> None:
    """Run every cell of the current notebook and wait until the last has finished."""
    browser.evaluate(
        "window.__frontierRun = 'running'; jupyterapp.commands.execute('notebook:run-all-cells')"
        ".then(() => { window.__frontierRun = 'done'; }, e => { window.__frontierRun = 'failed: ' + e; }); true"
    )
    wait_for(browser, "window.__frontierRun", "done", timeout_s)
    wait_for(browser, KERNEL_STATUS, "idle", timeout_s)
