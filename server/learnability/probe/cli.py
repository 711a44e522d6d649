"""`learnability probe FILE`: a progress bar, then the report (text or JSON), and optional plots."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import types
from functools import partial
from typing import TypedDict

EXIT_LEARNS, EXIT_PROBLEM, EXIT_ERROR = 0, 1, 2


class _ProbeOptions(TypedDict):
    python: str | None
    budget_s: float | None
    timeout_s: float | None
    cancel: threading.Event


def _interrupt(signum: int, frame: types.FrameType | None) -> None:
    raise KeyboardInterrupt


def run_probe_cli(args: argparse.Namespace) -> int:
    from learnability.probe import report as rpt
    from learnability.probe.runner import run_probe

    fmt = getattr(args, "format", "text") or "text"
    if getattr(args, "ported", False):  # the safe Keras 3 fixes applied to a temporary copy (probe/port.py)
        from learnability.probe.port import probe_ported

        run_probe = partial(probe_ported, run_probe)
    cancel = threading.Event()
    kwargs = _ProbeOptions(python=getattr(args, "python", None), budget_s=getattr(args, "budget", None),
                           timeout_s=getattr(args, "timeout", None), cancel=cancel)
    previous = None
    if threading.current_thread() is threading.main_thread():  # SIGTERM (kill, a CI runner) = Ctrl-C
        previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        if fmt == "json" or not sys.stderr.isatty():
            result = run_probe(args.file, **kwargs)
        else:
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            with Progress(TextColumn("[bold]probe[/bold]"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                          TimeElapsedColumn(), TextColumn("{task.description}"), transient=True) as bar:
                task = bar.add_task("starting", total=1.0)

                def on_progress(frac: float, msg: str) -> None:
                    bar.update(task, completed=frac, description=msg)

                result = run_probe(args.file, on_progress=on_progress, **kwargs)
    except KeyboardInterrupt:  # run_probe has ended the worker and everything the script started
        cancel.set()
        print("learnability: probe cancelled", file=sys.stderr)
        return EXIT_ERROR
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    if getattr(args, "plots", None):
        try:
            rpt.write_plots(result, args.plots)
        except Exception as exc:  # matplotlib missing or unwritable folder: say so, keep the report
            print(f"learnability: could not write plots: {exc}", file=sys.stderr)
    if fmt == "json":
        json.dump(result, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        rpt.render_text(result)
    verdict = result.get("verdict")
    if verdict == "learns":
        return EXIT_LEARNS
    if verdict in ("error", "inconclusive"):
        return EXIT_ERROR
    return EXIT_PROBLEM
