"""The probe report's and protocol's JSON Schemas are generated from learnability.probe.messages and must be
current; reports built from recorded worker runs (tests/probe/recorded/, real runs of the probe) and the
error reports validate against the report schema; the schema and the types' own reading agree.

The TypeScript types generated from the report schema are checked by the extension's unit tests
(extension/test/unit/generated.test.ts), which run where node is."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT

from learnability.engine import Analyzer
from learnability.probe import messages as msgs
from learnability.probe import report as rpt
from learnability.probe.runner import _counterfactuals

RECORDED = ROOT / "tests" / "probe" / "recorded"
SOURCES = {"article1_sigmoid_scaled": ROOT / "tests" / "fixtures" / "article1_sigmoid_scaled.py",
           "article3_constant_inputs": ROOT / "tests" / "fixtures" / "article3_constant_inputs.py",
           "sgd_lr_tiny": ROOT / "tests" / "probe" / "cases" / "sgd_lr_tiny.py",
           "labels_div255": ROOT / "tests" / "probe" / "cases" / "labels_div255.py"}


def _generator():
    spec = importlib.util.spec_from_file_location("gen_report_schema", ROOT / "scripts" / "gen_report_schema.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_committed_schemas_are_current():
    gen = _generator()
    for name, schema in gen.schemas().items():
        committed = (ROOT / "schemas" / name).read_text(encoding="utf-8")
        assert committed == gen.render(schema), f"schemas/{name} is out of date: run `{gen.COMMAND}` and commit it"


def test_check_mode_finds_a_stale_schema(tmp_path, monkeypatch, capsys):
    gen = _generator()
    for name in gen.schemas():
        (tmp_path / name).write_text((ROOT / "schemas" / name).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(gen, "SCHEMAS", tmp_path)
    assert gen.main(["--check"]) == 0
    (tmp_path / "probe-report.schema.json").write_text("{}\n", encoding="utf-8")
    assert gen.main(["--check"]) == 1
    assert "probe-report.schema.json" in capsys.readouterr().err


def _report_from_recording(name: str) -> dict:
    """The report build_report makes from a recorded probe's worker messages (static analysis run anew)."""
    rec = json.loads((RECORDED / f"{name}.json").read_text(encoding="utf-8"))
    path = SOURCES[name]
    source = path.read_text(encoding="utf-8")
    static = Analyzer().analyze(source, str(path), None).findings
    ready = msgs.from_json(msgs.Ready, {"type": "ready", **rec["ready"]})
    runs = [msgs.from_json(msgs.RunData, r).as_dict() for r in rec["runs"]]
    return rpt.build_report(path=str(path), source=source, static=static, runs=runs, ready=ready,
                            status=rec["status"], message="", fatal=None, internal=None,
                            timing={"total_s": 1.0}, timeout=rec["timeout"], options=rec["options"],
                            counterfactuals=_counterfactuals(source, static, rec["options"]["max_counterfactuals"]))


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_reports_from_recorded_runs_validate(name):
    report = _report_from_recording(name)
    assert report["verdict"] != "error", report["summary"]
    assert report["layers"] and report["metrics"].get("fit_one_batch")  # a measured report, not an empty one
    _validator("probe-report.schema.json").validate(report)
    assert msgs.check_report(report) is report


def test_recordings_cover_confirmed_fixes_and_probe_fixes():
    """The recordings hold what the schema must describe: before/after numbers, fixes with edits, statuses."""
    reports = [_report_from_recording(n) for n in sorted(SOURCES)]
    findings = [f for r in reports for f in r["findings"]]
    assert any(f.get("fix", {}).get("edits") for f in findings if f["source"] == "probe")
    assert any(f["before"] and f["after"] for f in findings)
    assert {f.get("status") for f in findings} >= {"confirmed", "not tested"}
    assert {r["verdict"] for r in reports} >= {"learns_slowly", "does_not_learn"}


def test_error_reports_validate():
    v = _validator("probe-report.schema.json")
    static = Analyzer().analyze(SOURCES["article1_sigmoid_scaled"].read_text(encoding="utf-8"), "a.py", None).findings
    reports = [
        rpt.error_report("x.py", "boom", source="a = 1\n"),
        rpt.error_report("x.py", "no", static=static, timing={"total_s": 0.5}, where={"line": 1}, rule="PRB092"),
        rpt.build_report(path="x.py", source="a = 1\n", static=[], runs=[], ready=None, status="crashed",
                         message="it died", fatal=None, internal=msgs.Internal(message="bug", trace="tb"),
                         timing={}, timeout=5.0, options={}, counterfactuals=[]),
        rpt.build_report(path="x.py", source="a = 1\n", static=[], runs=[{"key": "as_written", "status": "error",
                         "exc_type": "ValueError", "message": "bad", "line": 1, "traceback": []}], ready=None,
                         status="ok", message="", fatal=None, internal=None, timing={}, timeout=5.0, options={},
                         counterfactuals=[]),
    ]
    for r in reports:
        v.validate(r)
        msgs.check_report(r)


def test_a_report_of_another_shape_is_refused_with_the_place_named():
    good = rpt.error_report("x.py", "boom")
    bad = json.loads(json.dumps(good))
    bad["findings"][0]["line"] = "3"
    with pytest.raises(msgs.MessageError, match=r"report\.findings\[0\]\.line: expected an integer"):
        msgs.check_report(bad)
    assert not _validator("probe-report.schema.json").is_valid(bad)
    bad = dict(good, verdict="maybe")
    with pytest.raises(msgs.MessageError, match="report.verdict"):
        msgs.check_report(bad)
    bad = dict(good, extra=1)
    with pytest.raises(msgs.MessageError, match="unexpected key 'extra'"):
        msgs.check_report(bad)
    assert not _validator("probe-report.schema.json").is_valid(bad)


def test_the_report_types_name_the_same_values_as_the_code_that_makes_them():
    import typing

    from learnability.findings import Severity

    hints = typing.get_type_hints(msgs.ProbeFinding)
    assert set(typing.get_args(hints["severity"])) == {s.value for s in Severity}
    assert set(typing.get_args(msgs.Verdict)) == set(rpt.VERDICT_TEXT)
    assert rpt.VERSION == msgs.REPORT_VERSION == typing.get_args(typing.get_type_hints(msgs.ProbeReport)["version"])[0]


# ----------------------------------------------------------------------------- the protocol

SAMPLES = [
    msgs.Hello(pid=12, python="3.11.7"),
    msgs.Ready(device=msgs.Device(kind="CPU", name="x86_64", count=2, text="CPU (x86_64, 2 cores)"),
               backend="tensorflow", backend_version="2.21.0", keras="3.15.1", tensorflow="2.21.0",
               legacy_keras=False, import_s=3.2, pid=12),
    msgs.Ready(device=msgs.Device(kind="GPU", name="NVIDIA H200", count=1, text="GPU (NVIDIA H200, 139.8 GiB)",
                                  memory_gib=139.8, free_gib=None),
               backend="jax", backend_version="0.6.2", keras="3.15.1", tensorflow=None, legacy_keras=False,
               import_s=3.2, pid=12),
    msgs.Fatal(message="TensorFlow could not be imported"),
    msgs.Progress(stage="as_written", frac=0.5, msg="fit one batch"),
    msgs.Run(data=msgs.RunData(key="as_written", status="ok", measurements={"fit": {"steps": 3}, "seconds": 1})),
    msgs.Run(data=msgs.RunData(key="_timeout", status="timeout", measurements={})),
    msgs.Internal(message="KeyError: 'x'", trace="Traceback ..."),
    msgs.Done(seconds=0.25),
    msgs.Quit(),
    msgs.ProbeJob(path="/w/a.py", source="print(1)\n", cwd="/w",
                  options=msgs.ProbeOptions(seed=0, max_steps=150, budget_s=20.0, held_steps=40, n_train=256,
                                            n_held=128, batch=16, range_steps=40, input_max_abs=10.0,
                                            max_counterfactuals=6, saturation=0.5, thresholds={"speedup": 2.0}),
                  counterfactuals=[msgs.Counterfactual(key="ALL-LRN101", rules=["LRN501"], source="x = 1\n",
                                                       fixes=["scale"], without="LRN101")]),
]


@pytest.mark.parametrize("message", SAMPLES, ids=lambda m: type(m).__name__)
def test_each_message_round_trips_and_validates(message):
    line = msgs.dumps(message)
    data = json.loads(line)
    _validator("probe-protocol.schema.json").validate(data)
    if isinstance(message, (msgs.ProbeJob, msgs.Quit)):
        assert msgs.parse_command(data) == message
    else:
        assert msgs.parse_worker_line(line) == message


@pytest.mark.parametrize("line, reason", [
    ("garbage", "not JSON"),
    ("[1, 2]", "expected a JSON object, got list"),
    ('{"type": "launch"}', "unknown message type \"launch\""),
    ('{"pid": 1}', "unknown message type null"),
    ('{"type": "done"}', "done: missing 'seconds'"),
    ('{"type": "done", "seconds": "soon"}', "done.seconds: expected a number, got \"soon\""),
    ('{"type": "done", "seconds": true}', "done.seconds: expected a number, got true"),
    ('{"type": "done", "seconds": 1, "rm": "-rf"}', "unexpected key 'rm'"),
    ('{"type": "progress", "stage": "x", "frac": 0.1, "msg": null}', "progress.msg: expected a string, got null"),
    ('{"type": "ready", "device": "GPU", "backend": "jax", "backend_version": null, "tensorflow": null, "keras": "3", '
     '"legacy_keras": false, "import_s": 1, "pid": 1}',
     "ready.device: expected an object (Device)"),
    ('{"type": "run", "data": {"key": "as_written", "status": "fine"}}', "run.data.status: expected \"ok\""),
    ('{"type": "run", "data": {"status": "ok"}}', "run.data: missing 'key'"),
    ('{"type": "run", "data": []}', "run.data: expected an object (RunData)"),
    ("[" * 100_000 + "]" * 100_000, "nested too deep"),
])
def test_a_malformed_line_is_a_clear_reason_never_an_exception(line, reason):
    got = msgs.parse_worker_line(line)
    assert isinstance(got, msgs.Malformed), got
    assert reason in got.reason
    try:
        data = json.loads(line)
    except (ValueError, RecursionError):
        return
    assert not _validator("probe-protocol.schema.json").is_valid(data)  # the schema says the same


def test_a_run_keeps_its_measurements_as_the_rest():
    line = '{"type": "run", "data": {"key": "R:lr_x10", "status": "ok", "fit": {"fitted": true}, "atoms": ["lr_x10"]}}'
    msg = msgs.parse_worker_line(line)
    assert isinstance(msg, msgs.Run)
    assert msg.data.as_dict() == {"key": "R:lr_x10", "status": "ok", "fit": {"fitted": True}, "atoms": ["lr_x10"]}
    assert json.loads(msgs.dumps(msg)) == json.loads(line)


def test_a_command_the_worker_cannot_read_is_refused():
    with pytest.raises(msgs.MessageError, match="not a command"):
        msgs.parse_command({"cmd": "format-disk"})
    with pytest.raises(msgs.MessageError, match=r"probe\.options\.seed: expected an integer"):
        job = json.loads(msgs.dumps(SAMPLES[-1]))
        job["options"]["seed"] = 0.5
        msgs.parse_command(job)


def test_the_types_module_imports_only_the_standard_library():
    """harness.py loads messages.py by path in the user's interpreter, which may have nothing else."""
    import subprocess

    code = ("import importlib.util, sys; spec = importlib.util.spec_from_file_location('m', sys.argv[1]); "
            "m = importlib.util.module_from_spec(spec); sys.modules['m'] = m; spec.loader.exec_module(m); "
            "print(sorted(k.split('.')[0] for k in sys.modules if k.split('.')[0] in ('learnability', 'numpy', "
            "'tensorflow', 'keras')))")
    out = subprocess.run([sys.executable, "-I", "-S", "-c", code, str(Path(msgs.__file__))], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]"


def record(name: str) -> None:
    """Probe SOURCES[name] for real and write what the worker sent to tests/probe/recorded/NAME.json (needs
    TensorFlow): `.venv/bin/python tests/test_report_schema.py NAME`."""
    from learnability.probe import runner

    seen: dict = {}
    build = rpt.build_report

    def spy(**kw):
        seen.update(kw)
        return build(**kw)

    rpt.build_report = spy
    try:
        runner.run_probe(str(SOURCES[name]), budget_s=60)  # the step budget decides, not the clock
    finally:
        rpt.build_report = build
    out = {"runs": seen["runs"], "ready": {k: v for k, v in msgs.to_json(seen["ready"]).items() if k != "type"},
           "status": seen["status"], "options": seen["options"], "counterfactuals": seen["counterfactuals"],
           "timeout": seen["timeout"]}
    (RECORDED / f"{name}.json").write_text(json.dumps(out, indent=1, sort_keys=True), encoding="utf-8")


if __name__ == "__main__":
    for arg in sys.argv[1:] or sorted(SOURCES):
        record(arg)
