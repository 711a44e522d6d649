"""The probe's checks (PRB###) as a registry: what each one measures, why, and the cases that test it.

Separate from the static rules' registry (`learnability.rules`): a probe check reads the measurement
record of a training run, not the source. `learnability rules` / `explain` and docs/rules.md list both.
The decisions themselves live in `report.py` (findings, `decide_verdict`, `summarise`); the worker only
measures.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProbeCheck:
    id: str
    name: str
    category: str  # a Category value, or "symptom" (what training shows, not a cause)
    severity: str
    summary: str
    rationale: str
    remedy: str = ""  # what the probe retrains with to test the cause, if anything
    cases: tuple[str, ...] = ()  # tests/probe programs that show it


PROBE_CHECKS: dict[str, ProbeCheck] = {}


def _check(*args: str, remedy: str = "", cases: tuple[str, ...] = ()) -> None:
    c = ProbeCheck(*args, remedy=remedy, cases=cases)
    PROBE_CHECKS[c.id] = c


_check("PRB001", "does-not-fit-a-batch", "symptom", "error",
       "The model does not fit one small batch (16 samples) in the step budget.",
       "A model that can learn at all can memorise 16 samples (TheDeepChecker's fit-one-batch test). Failing it is "
       "a symptom; the causes are the findings next to it.",
       cases=("cases/adam_lr_high.py",))
_check("PRB002", "vanishing-gradients", "activation", "warning",
       "The first layer gets a tiny fraction of the last layer's gradient.",
       "Below 1e-3 of the last layer's gradient norm (and 1e-4 absolute) the first layers barely move "
       "(AutoTrainer's vanishing-gradient symptom).")
_check("PRB003", "dead-relu", "activation", "warning",
       "Most units of a ReLU layer output 0 on every sample.",
       "A dead ReLU has zero gradient and never recovers; a layer mostly dead cannot learn (DeepDiagnosis).",
       cases=("programs/buggy_binary_mlp_lr_raised.py",))
_check("PRB004", "labels-not-predictable", "data", "warning",
       "Training accuracy rises but held-out accuracy stays at chance.",
       "When the labels carry no information about the inputs (shuffled, random) the model can only memorise; "
       "held-out accuracy within a one-sided binomial interval of chance shows it.",
       cases=("cases/labels_shuffled.py",))
_check("PRB005", "nan-or-exploding", "learning_rate", "error",
       "The loss or the gradients become NaN/inf or blow up.",
       "NaN/inf ends learning at once; the usual cause is a too-high learning rate or unscaled data.")
_check("PRB006", "identical-inputs", "data", "error",
       "Every sample of the training slice is the same input.",
       "Identical inputs cannot be told apart: the best the model can do is predict the label frequencies.")
_check("PRB007", "learning-rate-that-works", "learning_rate", "warning",
       "A learning-rate range test finds a rate that trains the model where the script's rate does not.",
       "Leslie Smith's range test on the batch: the loss against an exponentially rising rate; a tenth of the rate "
       "at the lowest loss is retrained from the same initial weights.",
       remedy="the rate from the range test")
_check("PRB008", "saturated-activations", "activation", "warning",
       "A sigmoid/tanh hidden layer sits on its flat ends.",
       "Saturated units pass almost no gradient (DeepDiagnosis); relu there is retrained to check.",
       remedy="relu in the saturated layers")
_check("PRB009", "unscaled-inputs-measured", "preprocessing", "warning",
       "The inputs given to fit span a large range.",
       "Inputs far from unit scale make the first layer's pre-activations huge; standardised inputs are retrained.",
       remedy="standardised inputs")
_check("PRB010", "loss-at-init", "initialization", "info",
       "The loss at initialisation is far above -log(1/C).",
       "An untrained classifier should be about uniform; a much higher loss means overconfident initial outputs.")
_check("PRB011", "labels-outside-loss-domain", "loss", "error",
       "The labels are outside what the loss accepts (or the loss goes negative).",
       "Binary crossentropy needs labels in [0, 1]: labels 0/1/2 make it negative and unbounded below, so "
       "minimising it is meaningless. Sparse crossentropy needs 0..units-1. The labels are remapped (and the "
       "output widened to a softmax where there are more than two classes) and retrained.",
       remedy="labels mapped to 0..k-1; a k-unit softmax with sparse crossentropy for k > 2 classes",
       cases=("cases/binary_labels_012.py",))
_check("PRB012", "imbalanced-labels", "data", "info",
       "The labels are imbalanced.",
       "With a dominant class, always predicting it scores well: accuracy needs comparing with that, not 50%.")
_check("PRB013", "constant-features", "preprocessing", "info",
       "Most input features are constant over the slice.",
       "Constant features carry no information; many of them often mean a preprocessing slip.")
_check("PRB014", "single-class-labels", "data", "error",
       "Every label in the training slice is the same class.",
       "Labels divided by 255 like the images, or a filter gone wrong, leave one class: the model 'fits' by "
       "predicting it and learns nothing. Labels multiplied back are retrained.",
       remedy="labels multiplied back by the factor they were divided by",
       cases=("cases/labels_div255.py",))
_check("PRB015", "multi-hot-into-softmax", "activation", "error",
       "Multi-hot labels (several 1s per row) are trained through a softmax output.",
       "Softmax outputs sum to 1, so it cannot predict two labels at once; multi-label needs sigmoid outputs "
       "with binary crossentropy, which is retrained.",
       remedy="sigmoid output with binary crossentropy",
       cases=("cases/multi_hot_softmax.py",))
_check("PRB016", "targets-do-not-fit-output", "preprocessing", "error",
       "Regression targets outside the output activation's range, or far from unit scale.",
       "A sigmoid output cannot reach targets 3..103, a relu output cannot go negative; targets of 1e8 make the "
       "loss 1e15 and the gradients useless. A linear output and/or standardised targets are retrained.",
       remedy="a linear output; standardised targets",
       cases=("cases/regression_sigmoid_targets.py", "cases/regression_huge_targets.py"))
_check("PRB017", "too-few-epochs", "epochs", "warning",
       "The model learns, but the script's epochs x steps stop it before it gets anywhere.",
       "Training accuracy after the script's own number of steps is still at chance while a longer run is "
       "clearly above it: more epochs (the projected number) are needed.",
       cases=("cases/too_few_epochs.py",))
_check("PRB018", "repair-that-works", "optimizer", "warning",
       "Nothing static explains the failure; a standard repair makes the model learn.",
       "From the same initial weights the probe tries, smallest first: learning rate x10 and /10, Adam instead "
       "of the optimizer, standardised inputs, standardised targets, relu + He initialisation, a first "
       "BatchNormalization; it reports the first that fits the batch (AutoTrainer's repairs, as a proven edit).",
       remedy="the catalog above, smallest change first",
       cases=("cases/sgd_lr_tiny.py",))
_check("PRB019", "predictions-collapse", "symptom", "error",
       "After training the model predicts one class (or one constant) for every sample.",
       "A collapsed model can score the majority-class accuracy and even 'fit' a batch of one class; it has "
       "learned nothing about the inputs.",
       cases=("cases/labels_div255.py",))
_check("PRB090", "script-failed", "api", "error", "The script raised an exception before fit.",
       "The probe runs the script until fit; an exception before that is reported on its line.")
_check("PRB091", "no-fit-call", "api", "info", "The script never reached Model.fit.",
       "Scripts that train with train_on_batch or a custom loop can mark what to probe with "
       "learnability.probe.target(model, x, y).")
_check("PRB092", "timed-out", "api", "error", "The probe's time limit stopped the script.",
       "A hard timeout ends the worker's whole process group.")
_check("PRB093", "probe-failed", "api", "error", "The probe itself failed (or could not use the data).",
       "An internal error or data the probe cannot read; the message says which.")


def all_checks() -> list[ProbeCheck]:
    return [PROBE_CHECKS[k] for k in sorted(PROBE_CHECKS)]


def get_check(check_id: str) -> ProbeCheck | None:
    return PROBE_CHECKS.get(check_id.upper())


def markdown() -> list[str]:
    """The probe checks' section of docs/rules.md (scripts/gen_rule_docs.py appends it after the rules)."""
    out = ["", "# Probe checks", "",
           f"{len(PROBE_CHECKS)} checks of `learnability probe`, which trains the model briefly and measures. They read a "
           "training run, not the source, so they cannot be suppressed per line; their thresholds are configurable "
           "in `[tool.learnability.probe.thresholds]`. Category `symptom` is what training shows, not a cause.", "",
           "| id | name | category | severity | remedy tried |", "|---|---|---|---|---|"]
    for c in all_checks():
        out.append(f"| [{c.id}](#{c.id.lower()}) | {c.name} | {c.category} | {c.severity} | {c.remedy.replace('|', '/')} |")
    for c in all_checks():
        out += ["", *check_markdown(c)]
    return out


def check_markdown(c: ProbeCheck) -> list[str]:
    """One check's section (docs/rules.md, and the editor's Explain)."""
    out = [f"### {c.id}", "", f"**{c.name}** · category `{c.category}` · severity `{c.severity}`", "",
           c.summary, "", f"**Why.** {c.rationale}"]
    if c.remedy:
        out += ["", f"**Remedy tried.** {c.remedy}"]
    if c.cases:
        out += ["", "**Cases.** " + ", ".join(f"`tests/probe/{case}`" for case in c.cases)]
    return out
