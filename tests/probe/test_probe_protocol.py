"""The parent reads the worker's protocol through probe.messages: a worker that writes something else (a
crashed or hostile script on the protocol pipe) ends the probe with an error report that says so, never
an exception in the caller and never a hang. No TensorFlow: the "interpreter" here is a small script that
speaks the protocol badly."""

from __future__ import annotations

import json
import stat
import sys
import textwrap

import jsonschema
import pytest
from conftest import ROOT

from learnability.probe import runner
from learnability.probe.runner import run_probe

SCRIPT = "import keras\nmodel = keras.Sequential([keras.layers.Dense(1)])\nmodel.compile(loss='mse')\n"

HELLO = json.dumps({"type": "hello", "pid": 1, "python": "3.11"})
READY = json.dumps({"type": "ready", "device": {"kind": "CPU", "name": "x", "count": 1, "text": "CPU (x, 1 core)"},
                    "backend": "tensorflow", "backend_version": "2.21.0", "keras": "3.15.1", "tensorflow": "2.21.0",
                    "legacy_keras": False, "import_s": 0.1, "pid": 1})


def _fake_python(tmp_path, after_job: list[str], before_job: list[str] | None = None) -> str:
    """An 'interpreter' that ignores its arguments (-u harness.py), says hello and ready (or `before_job`),
    waits for the job line, then writes `after_job` and waits to be killed."""
    lines = before_job if before_job is not None else [HELLO, READY]
    body = textwrap.dedent(f"""\
        #!{sys.executable}
        import sys, time
        out = sys.stdout
        for line in {lines!r}:
            out.write(line + "\\n")
        out.flush()
        sys.stdin.readline()
        for line in {after_job!r}:
            out.write(line + "\\n")
        out.flush()
        time.sleep(60)
        """)
    path = tmp_path / "fake-python"
    path.write_text(body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def _probe(tmp_path, python: str) -> dict:
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    return run_probe(str(script), python=python, timeout_s=30)


def _valid(report: dict) -> None:
    schema = json.loads((ROOT / "schemas" / "probe-report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(report)


@pytest.mark.parametrize("bad, reason", [
    ("this is not json", "not JSON"),
    (json.dumps({"type": "run", "data": {"key": "as_written", "status": "ok", "fit": 1}, "evil": True}),
     "unexpected key 'evil'"),
    (json.dumps({"type": "run", "data": {"key": 7, "status": "ok"}}), "run.data.key: expected a string"),
    (json.dumps({"type": "done", "seconds": "never"}), "done.seconds: expected a number"),
])
def test_a_malformed_message_during_a_job_is_an_error_report(tmp_path, bad, reason):
    python = _fake_python(tmp_path, [bad])
    r = _probe(tmp_path, python)
    assert r["verdict"] == "error"
    assert "the probe worker sent a message the probe cannot read" in r["summary"] and reason in r["summary"]
    assert any(f["rule"] == "PRB093" for f in r["findings"])
    _valid(r)
    assert python not in runner._POOL  # a worker whose protocol is broken is ended, not kept warm


def test_a_malformed_ready_is_an_error_report(tmp_path):
    bad_ready = json.dumps({**json.loads(READY), "device": "a GPU"})
    r = _probe(tmp_path, _fake_python(tmp_path, [], before_job=[HELLO, bad_ready]))
    assert r["verdict"] == "error"
    assert "ready.device: expected an object (Device)" in r["summary"]
    _valid(r)


def test_a_well_spoken_worker_with_no_result_is_still_a_valid_report(tmp_path):
    done = json.dumps({"type": "done", "seconds": 0.1})
    internal = json.dumps({"type": "internal", "message": "KeyError: 'fit'", "trace": "Traceback ..."})
    r = _probe(tmp_path, _fake_python(tmp_path, [internal, done]))
    assert r["verdict"] == "error" and "KeyError: 'fit'" in r["summary"]
    assert r["metrics"]["tensorflow"] == "2.21.0" and r["device"] == "CPU (x, 1 core)"
    _valid(r)
