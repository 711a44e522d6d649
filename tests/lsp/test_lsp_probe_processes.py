"""`learnability.runProbe` through the server with scripts that fight back (real runner, TensorFlow):
`$/cancelRequest` stops the training and everything the script started; a detached process holding
stderr does not keep the request unanswered, later probes are not refused, and the server still exits
on shutdown/exit."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
import textwrap
import time
from pathlib import Path

import pytest
from lsp_helpers import open_doc, replace_all, session, wait_for
from lsprotocol import types
from pygls.exceptions import JsonRpcException

pytestmark = [
    pytest.mark.probe,
    pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="TensorFlow is not installed"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process trees through /proc"),
]

STUBBORN = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"
HEAD = "import os, subprocess, sys, time\nimport numpy as np\nfrom tensorflow import keras\n"
FIT = textwrap.dedent("""\
    X = np.random.rand(64, 4)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(X, (X[:, 0] > 0.5).astype("float32"), epochs=3)
""")


def children(pidfile: Path) -> str:
    return (f"same = subprocess.Popen([sys.executable, '-c', {STUBBORN!r}])\n"
            f"detached = subprocess.Popen([sys.executable, '-c', {STUBBORN!r}], start_new_session=True)\n"
            f"open({str(pidfile)!r}, 'w').write(f'{{os.getpid()}} {{same.pid}} {{detached.pid}}')\n")


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def pids_in(pidfile: Path) -> list[int]:
    try:
        return [int(p) for p in pidfile.read_text().split()]
    except (OSError, ValueError):
        return []


def run_probe_params(uri: str) -> types.ExecuteCommandParams:
    return types.ExecuteCommandParams("learnability.runProbe", [uri])


async def test_cancel_request_stops_the_training_and_its_processes(tmp_path):
    pidfile = tmp_path / "pids"
    path = tmp_path / "hangs_with_children.py"
    text = HEAD + children(pidfile) + "while True:\n    time.sleep(0.2)\n" + FIT
    path.write_text(text)
    uri = path.as_uri()
    async with session(init_options={"settings": {"probe": {"timeoutSeconds": 240}}}) as (client, rec):
        open_doc(client, uri, text)
        pending = asyncio.ensure_future(client.protocol.send_request_async(
            "workspace/executeCommand", run_probe_params(uri), msg_id="probe-1"))
        pids = await wait_for(lambda: (p := pids_in(pidfile)) and len(p) == 3 and p, timeout=120)
        t = time.monotonic()
        client.protocol.notify("$/cancelRequest", types.CancelParams(id="probe-1"))
        with pytest.raises(JsonRpcException) as err:
            await asyncio.wait_for(pending, 10)
        assert err.value.code == -32800  # RequestCancelled
        await wait_for(lambda: not any(alive(p) for p in pids), timeout=6)
        assert time.monotonic() - t < 6, "the training ran on after the cancellation"
        # the file can be probed again at once: not "already running"
        quick = HEAD + "sys.exit('no data')\n" + FIT
        replace_all(client, uri, quick, 2)
        result = await asyncio.wait_for(client.workspace_execute_command_async(run_probe_params(uri)), 120)
        assert "already running" not in str(result.get("message", ""))
        assert "sys.exit" in result["summary"], result


async def test_detached_process_holding_stderr_then_shutdown_and_exit(tmp_path):
    pidfile = tmp_path / "pids"
    path = tmp_path / "detached.py"
    text = HEAD + children(pidfile) + FIT
    path.write_text(text)
    uri = path.as_uri()
    async with session(init_options={"settings": {"probe": {"timeoutSeconds": 240}}}) as (client, rec):
        open_doc(client, uri, text)
        result = await asyncio.wait_for(client.workspace_execute_command_async(run_probe_params(uri)), 200)
        assert result["verdict"] in ("learns", "learns_slowly", "does_not_learn"), result["summary"]
        pids = pids_in(pidfile)
        assert len(pids) == 3
        await wait_for(lambda: not alive(pids[1]) and not alive(pids[2]), timeout=5)
        # a second probe of the same file is run, not refused
        pidfile.unlink()
        again = await asyncio.wait_for(client.workspace_execute_command_async(run_probe_params(uri)), 200)
        assert again["verdict"] == result["verdict"]
        await asyncio.wait_for(client.shutdown_session(), 20)  # shutdown + exit: the server ends
        assert client._server is not None and client._server.returncode == 0
        await wait_for(lambda: not any(alive(p) for p in pids + pids_in(pidfile)), timeout=5)


async def test_shutdown_and_exit_during_a_probe_end_everything(tmp_path):
    pidfile = tmp_path / "pids"
    path = tmp_path / "hangs.py"
    text = HEAD + children(pidfile) + "while True:\n    time.sleep(0.2)\n" + FIT
    path.write_text(text)
    uri = path.as_uri()
    async with session(init_options={"settings": {"probe": {"timeoutSeconds": 240}}}) as (client, rec):
        open_doc(client, uri, text)
        pending = asyncio.ensure_future(client.workspace_execute_command_async(run_probe_params(uri)))
        pids = await wait_for(lambda: (p := pids_in(pidfile)) and len(p) == 3 and p, timeout=120)
        await asyncio.wait_for(client.shutdown_session(), 20)  # the probe is cancelled, the server exits
        assert client._server is not None and client._server.returncode == 0
        await wait_for(lambda: not any(alive(p) for p in pids), timeout=5)
        pending.cancel()
