"""What a probe check is: the shape of the static rules' `register` (rules/base.py), over a measurement record.

A check with a `decide` function reads the typed record of the as-written run (`probe.record.Measurement`)
and the thresholds, and returns its hits (nothing when silent). `valid` / `invalid` are its cases: small
records on which it must stay silent / fire with a message containing `message`; tests/probe/
test_probe_check_cases.py runs them all without TensorFlow. Checks decided on the comparison of two runs
(a remedy retrained from the same initial weights) name where that comparison lives in `decided_in`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, TypeAlias

from learnability.probe.record import Measurement


@dataclass(frozen=True)
class Hit:
    """One finding of a check: where it points ("fit", "compile" or a program line), its message and evidence.
    `subject` names what it is about (a layer) for the report to attach a remedy's comparison; it is not shown."""
    message: str
    evidence: str
    at: str | int | None = "fit"
    data: dict[str, object] | None = None
    subject: str | None = None


@dataclass(frozen=True)
class Valid:
    """A measurement on which the check must stay silent."""
    record: Measurement
    note: str = ""


@dataclass(frozen=True)
class Invalid:
    """A measurement on which the check must fire, with a message containing `message`."""
    record: Measurement
    message: str
    note: str = ""


Thresholds: TypeAlias = Mapping[str, float]  # threshold name -> value (report.THRESHOLDS, as configured)
Decide: TypeAlias = Callable[[Measurement, Thresholds], Iterable[Hit]]


@dataclass(frozen=True)
class ProbeCheck:
    id: str
    name: str
    category: str  # a Category value, or "symptom" (what training shows, not a cause)
    severity: str
    summary: str
    rationale: str
    remedy: str = ""  # what the probe retrains with to test the cause, if anything
    cases: tuple[str, ...] = ()  # tests/probe programs that show it (run with TensorFlow)
    decide: Decide | None = field(default=None, repr=False, compare=False)
    valid: tuple[Valid, ...] = ()
    invalid: tuple[Invalid, ...] = ()
    decided_in: str = ""  # where a check without `decide` is decided (a comparison of runs, an error path)

    @property
    def example(self) -> Invalid | None:
        """The case shown as the check's example (explain): its first INVALID case."""
        return self.invalid[0] if self.invalid else None

    def hits(self, m: Measurement, th: Thresholds) -> list[Hit]:
        return list(self.decide(m, th)) if self.decide is not None else []


PROBE_CHECKS: dict[str, ProbeCheck] = {}


def probe_check(*, id: str, name: str, category: str, severity: str, summary: str, rationale: str,
                remedy: str = "", cases: Iterable[str] = (), valid: Iterable[Valid] = (),
                invalid: Iterable[Invalid] = (), decided_in: str = "") -> Callable[[Decide | None], ProbeCheck]:
    """Decorator: turn `def decide(m, th)` (or None, for a check decided elsewhere: `decided_in`) into a
    registered ProbeCheck."""

    def wrap(func: Decide | None) -> ProbeCheck:
        if id in PROBE_CHECKS:
            raise ValueError(f"duplicate probe check id {id}")
        if func is None and not decided_in:
            raise ValueError(f"{id}: a check without a decide function must say where it is decided")
        c = ProbeCheck(id, name, category, severity, summary, rationale, remedy, tuple(cases), func, tuple(valid),
                       tuple(invalid), decided_in)
        PROBE_CHECKS[id] = c
        return c

    return wrap


def declare(**kwargs: Any) -> ProbeCheck:
    """Register a check decided elsewhere (kwargs as for `probe_check`, with `decided_in`)."""
    return probe_check(**kwargs)(None)
