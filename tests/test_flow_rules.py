"""Rules over the flow of values: each finding fires where it holds and stays silent where it does not.

Patterns: a reassigned model, a model compiled twice, two optimizers with one name, if/else branches, a
builder called twice with different literals, a loop over literal rates, a recompile before fit, and
fixes that must not break another use of the code they edit.
"""

from __future__ import annotations

import textwrap

from conftest import analyze_text
from fixcheck import findings_of

HEAD = """\
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.optimizers import Adam
from tensorflow.keras.utils import to_categorical

X = np.random.rand(200, 8)
y = np.random.randint(0, 10, size=200)
y1 = to_categorical(y, 10)
"""


def src(body: str) -> str:
    return HEAD + textwrap.dedent(body)


def lines_of(source: str, rule: str) -> list[int]:
    return [f.span.line for f in findings_of(source, rule)]


def line_with(source: str, text: str, nth: int = 0) -> int:
    hits = [i + 1 for i, line in enumerate(source.splitlines()) if text in line]
    return hits[nth]


def classifier(name: str = "model", units: int = 10, act: str = "softmax") -> str:
    return (f"{name} = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation='relu'), "
            f"layers.Dense({units}, activation='{act}')])\n")


# --------------------------------------------------------------------------- a reassigned model
def test_a_compile_after_the_name_is_rebound_does_not_apply_to_the_old_model():
    source = src(classifier() + """\
model = keras.models.load_model("saved.keras")
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(X, y)
""")
    assert lines_of(source, "LRN201") == []  # the softmax(10) model is not the one compiled here
    assert lines_of(source, "LRN202") == []


def test_a_reassigned_model_gets_its_own_compile_and_labels():
    source = src(classifier() + """\
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(X, y)
""" + classifier() + """\
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(X, y1)
""")
    assert lines_of(source, "LRN202") == [line_with(source, "loss=", 1)]  # only the second model's


# --------------------------------------------------------------------------- compiled twice
def test_each_fit_is_judged_with_the_compile_in_force():
    source = src(classifier() + """\
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(X, y)
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(X, y1)
""")
    assert lines_of(source, "LRN202") == []  # old model: last compile + first fit's labels -> false finding


def test_a_compile_used_with_the_wrong_labels_is_reported_where_it_is():
    source = src(classifier() + """\
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(X, y1)
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(X, y)
""")
    assert lines_of(source, "LRN202") == [line_with(source, "loss=", 1)]


def test_recompiling_with_a_sparse_loss_before_a_fit_on_integer_labels_is_correct():
    source = src(classifier() + """\
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(X, y)
""")
    assert lines_of(source, "LRN202") == []


def test_a_compile_no_fit_uses_is_not_judged_against_labels():
    source = src(classifier() + """\
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.summary()
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(X, y)
""")
    assert lines_of(source, "LRN202") == []


def test_labels_out_of_range_are_read_with_the_compile_in_force():
    source = src(classifier(units=10) + """\
model.compile(optimizer="adam", loss="binary_crossentropy")
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(X, y)
""")
    assert lines_of(source, "LRN604") == []
    wrong = source.replace('"sparse_categorical_crossentropy"', '"binary_crossentropy"').replace(
        "layers.Dense(10, activation='softmax')", "layers.Dense(1, activation='sigmoid')")
    assert lines_of(wrong, "LRN604") == [line_with(wrong, "model.fit")]


# --------------------------------------------------------------------------- if / else
def test_a_loss_on_one_branch_is_reported_on_that_branch_only():
    source = src(classifier() + """\
if use_sparse:
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
else:
    model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(X, y1)
""")
    found = findings_of(source, "LRN202")
    assert [f.span.line for f in found] == [line_with(source, "sparse_categorical")]
    assert "on one branch" in found[0].message and "if on line" in found[0].message


def test_labels_made_on_one_branch_say_so():
    source = src(classifier() + """\
labels = y
if one_hot:
    labels = to_categorical(y, 10)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(X, labels)
""")
    (finding,) = findings_of(source, "LRN202")
    assert "on one branch (the branch of the if on line" in finding.message
    assert not finding.fix.safe  # on the other path the integer labels need the sparse loss


def test_models_built_on_two_branches_are_two_models():
    source = src("""\
if binary:
    model = keras.Sequential([keras.Input((8,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
else:
    model = keras.Sequential([keras.Input((8,)), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
""")
    result = analyze_text(source)
    assert len(result.program.models) == 2
    assert [f.rule for f in result.findings if f.rule.startswith("LRN2")] == []  # each arm is consistent


def test_a_mismatch_on_one_arm_of_a_branch():
    source = src("""\
if binary:
    model = keras.Sequential([keras.Input((8,)), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
else:
    model = keras.Sequential([keras.Input((8,)), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
""")
    assert lines_of(source, "LRN201") == [line_with(source, "binary_crossentropy")]


# --------------------------------------------------------------------------- shared optimizer (LRN402)
def test_one_optimizer_object_compiled_into_two_models_is_shared():
    source = src(classifier("a") + classifier("b") + """\
opt = Adam(1e-3)
a.compile(optimizer=opt, loss="sparse_categorical_crossentropy")
b.compile(optimizer=opt, loss="sparse_categorical_crossentropy")
a.fit(X, y)
b.fit(X, y)
""")
    found = findings_of(source, "LRN402")
    assert [f.span.line for f in found] == [line_with(source, "b.compile")]
    assert "model 'a'" in found[0].message
    # compiling builds nothing: a model that is compiled but never trained (the GAN generator) shares no slots
    assert findings_of(source.replace("a.fit(X, y)\n", ""), "LRN402") == []


def test_an_optimizer_rebuilt_under_the_same_name_is_not_shared():
    source = src(classifier("a") + classifier("b") + """\
opt = Adam(1e-3)
a.compile(optimizer=opt, loss="sparse_categorical_crossentropy")
opt = Adam(1e-3)
b.compile(optimizer=opt, loss="sparse_categorical_crossentropy")
""")
    assert lines_of(source, "LRN402") == []


def test_an_optimizer_built_in_a_builder_called_twice_is_not_shared():
    source = src("""\
def build():
    opt = Adam(learning_rate=1e-3)
    model = keras.Sequential([keras.Input((8,)), layers.Dense(10, activation="softmax")])
    model.compile(optimizer=opt, loss="sparse_categorical_crossentropy")
    return model

a = build()
b = build()
a.fit(X, y)
b.fit(X, y)
""")
    assert lines_of(source, "LRN402") == []


def test_an_optimizer_passed_to_a_builder_called_twice_is_shared():
    source = src("""\
def build(opt):
    model = keras.Sequential([keras.Input((8,)), layers.Dense(10, activation="softmax")])
    model.compile(optimizer=opt, loss="sparse_categorical_crossentropy")
    return model

shared = Adam(learning_rate=1e-3)
a = build(shared)
b = build(shared)
a.fit(X, y)
b.fit(X, y)
""")
    assert lines_of(source, "LRN402") == [line_with(source, "model.compile")]


def test_one_optimizer_on_two_branches_is_not_shared():
    source = src(classifier("a") + classifier("b") + """\
opt = Adam(1e-3)
if first:
    a.compile(optimizer=opt, loss="sparse_categorical_crossentropy")
else:
    b.compile(optimizer=opt, loss="sparse_categorical_crossentropy")
""")
    assert lines_of(source, "LRN402") == []


def test_one_optimizer_for_each_model_of_a_literal_loop_is_shared():
    source = src("""\
opt = Adam(1e-3)
for units in [8, 16]:
    model = keras.Sequential([keras.Input((8,)), layers.Dense(units, activation="relu"), layers.Dense(10, activation="softmax")])
    model.compile(optimizer=opt, loss="sparse_categorical_crossentropy")
    model.fit(X, y)
""")
    assert lines_of(source, "LRN402") == [line_with(source, "model.compile")]  # iterations run in turn
    fresh = source.replace("    model.compile(optimizer=opt", "    model.compile(optimizer=Adam(1e-3)")
    assert lines_of(fresh, "LRN402") == []


# --------------------------------------------------------------------------- builders called with literals
BUILDER = """\
def build_model(lr=0.001, rate=0.2):
    model = keras.Sequential([
        keras.Input((8,)),
        layers.Dense(16, activation="relu"),
        layers.Dropout(rate),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=Adam(learning_rate=lr), loss="sparse_categorical_crossentropy")
    return model

"""


def test_a_builder_called_twice_is_judged_per_call():
    source = src(BUILDER + """\
fast = build_model(lr=0.5)
slow = build_model(lr=1e-3)
fast.fit(X, y)
slow.fit(X, y)
""")
    found = findings_of(source, "LRN301")  # one hidden layer: Adam trained up to 0.1 (measured)
    assert len(found) == 1 and found[0].data["learning_rate"] == 0.5
    assert findings_of(source.replace("lr=0.5", "lr=0.002"), "LRN301") == []


def test_a_builder_rate_fix_edits_the_literal_of_the_call():
    source = src(BUILDER + "model = build_model(lr=0.5)\nmodel.fit(X, y)\n")
    (finding,) = findings_of(source, "LRN301")
    (edit,) = finding.fix.edits
    assert edit.span.line == line_with(source, "build_model(lr=0.5)")


def test_a_builder_parameter_reaches_a_layer_argument():
    source = src(BUILDER + "a = build_model(rate=0.9)\nb = build_model()\n")
    found = findings_of(source, "LRN703")
    assert len(found) == 1 and found[0].data["rate"] == 0.9
    assert findings_of(src(BUILDER + "a = build_model()\n"), "LRN703") == []


def test_a_builder_never_called_is_read_with_its_defaults():
    source = src(BUILDER.replace("lr=0.001", "lr=0.5"))
    assert len(findings_of(source, "LRN301")) == 1


# --------------------------------------------------------------------------- loops over literal rates
DEEP = ("keras.Sequential([keras.Input((8,)), layers.Dense(units, activation='relu'), "
        "layers.Dense(units, activation='relu'), layers.Dense(10, activation='softmax')])")


def test_a_loop_over_literal_values_is_unrolled_and_each_iteration_judged():
    source = src(f"""\
for units in [16, 32]:
    model = {DEEP}
    model.compile(optimizer=Adam(learning_rate=0.5), loss="sparse_categorical_crossentropy")
    model.fit(X, y)
""")
    found = findings_of(source, "LRN301")  # both iterations hold it at the same span: reported once
    assert [f.data["learning_rate"] for f in found] == [0.5]
    assert findings_of(source.replace("learning_rate=0.5", "learning_rate=0.002"), "LRN301") == []


def test_a_loop_over_literal_rates_is_a_sweep_and_its_high_rate_deliberate():
    source = src(f"""\
units = 32
for lr in [1e-3, 1e-1]:
    model = {DEEP}
    model.compile(optimizer=Adam(learning_rate=lr), loss="sparse_categorical_crossentropy")
    model.fit(X, y)
""")
    assert findings_of(source, "LRN301") == []
    # the loop variable is what makes it a sweep: a fixed rate inside the same loop is still judged
    fixed = source.replace("learning_rate=lr", "learning_rate=0.5")
    assert [f.data["learning_rate"] for f in findings_of(fixed, "LRN301")] == [0.5]


# --------------------------------------------------------------------------- fixes that stay valid
def test_a_loss_fix_is_safe_when_every_fit_it_affects_stays_valid():
    source = src(classifier() + """\
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(X, y1)
model.evaluate(X, y1)
""")
    (finding,) = findings_of(source, "LRN202")
    assert finding.fix is not None and finding.fix.safe


def test_a_loss_fix_that_would_break_another_call_is_not_safe():
    source = src(classifier() + """\
def train(labels):
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(X, labels)

train(y1)
train(y)
""")
    (finding,) = findings_of(source, "LRN202")
    assert finding.fix is not None and not finding.fix.safe  # y (integers) still needs the sparse loss


def test_a_loss_fix_whose_evaluate_labels_are_unknown_is_not_safe():
    source = src(classifier() + """\
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(X, y1)
model.evaluate(X, labels_from_somewhere)
""")
    (finding,) = findings_of(source, "LRN202")
    assert not finding.fix.safe


def test_a_function_compiling_its_argument_applies_to_the_model_passed():
    source = src(classifier("a") + classifier("b", units=1, act="sigmoid") + """\
def compile_model(m, loss):
    m.compile(optimizer="adam", loss=loss)

compile_model(a, "sparse_categorical_crossentropy")
compile_model(b, "binary_crossentropy")
a.fit(X, y)
b.fit(X, y % 2)
""")
    result = analyze_text(source)
    a, b = result.program.models
    assert [c.loss.name for c in a.compiles] == ["sparse_categorical_crossentropy"]
    assert [c.loss.name for c in b.compiles] == ["binary_crossentropy"]
    assert [f.rule for f in result.findings if f.rule in ("LRN201", "LRN202", "LRN604")] == []


# --------------------------------------------------------------------------- layers added on two arms
def test_layers_added_on_two_arms_make_one_model_per_arm():
    source = src("""\
model = keras.Sequential()
model.add(keras.Input((28, 28, 1)))
if small:
    model.add(layers.Conv2D(8, 3))
    model.add(layers.Flatten())
else:
    model.add(layers.Conv2D(8, 3, activation="sigmoid"))
    model.add(layers.Conv2D(8, 3))
    model.add(layers.Flatten())
model.add(layers.Dense(10, activation="softmax"))
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(X * 255, y)
""")
    result = analyze_text(source)
    kinds = sorted(tuple(layer.kind for layer in m.layers) for m in result.program.models)
    assert kinds == [("Conv2D", "Conv2D", "Flatten", "Dense"), ("Conv2D", "Flatten", "Dense")]
    assert all(len(m.fits) == 1 and m.compile is not None for m in result.program.models)
    assert [f.span.line for f in result.findings if f.rule == "LRN101"] == [line_with(source, "sigmoid")]


def test_a_layer_on_one_arm_of_an_if_without_else_stays_in_the_model():
    source = src("""\
model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu")])
if regularise:
    model.add(layers.Dropout(0.9))
model.add(layers.Dense(10, activation="softmax"))
""")
    (model,) = analyze_text(source).program.models
    assert [layer.kind for layer in model.layers] == ["Dense", "Dropout", "Dense"]


def test_an_output_units_fix_in_a_builder_fitted_on_two_label_sets_is_not_safe():
    body = """\
def build(units):
    model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                              layers.Dense(units, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model

a = build(4)
a.fit(X, y)
"""
    (finding,) = findings_of(src(body), "LRN205")
    assert finding.fix.safe  # one call, labels 0..9: 10 units
    assert finding.fix.edits[0].span.line == line_with(src(body), "a = build(4)")  # the call's literal
    both = src(body + "b = build(4)\nb.fit(X, y % 4)\n")
    (finding,) = findings_of(both, "LRN205")
    assert finding.fix.safe and finding.fix.edits[0].span.line == line_with(both, "a = build(4)")
    shared = src(body.replace("build(units)", "build(units=4)").replace("a = build(4)", "a = build()")
                 + "b = build()\nb.fit(X, y % 4)\n")
    (finding,) = findings_of(shared, "LRN205")
    assert not finding.fix.safe  # the default 4 also builds the 4-class model


# --------------------------------------------------------------------------- notebooks: cells in order
def test_a_notebook_recompiled_in_a_later_cell_is_read_cell_by_cell(tmp_path, capsys):
    import json

    from learnability.cli import main

    def cell(text: str) -> dict:
        return {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [],
                "source": text.splitlines(keepends=True)}

    cells = [HEAD, classifier() + 'model.compile(optimizer="adam", loss="categorical_crossentropy")\nmodel.fit(X, y1)\n',
             'model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")\nmodel.fit(X, y)\n']
    nb = {"cells": [cell(c) for c in cells], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "train.ipynb"
    path.write_text(json.dumps(nb))
    main(["check", "--format", "json", str(path)])
    rules = [f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]]
    assert "LRN202" not in rules
    nb["cells"][2] = cell('model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")\nmodel.fit(X, y1)\n')
    path.write_text(json.dumps(nb))
    main(["check", "--format", "json", str(path)])
    found = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["rule"] == "LRN202"]
    assert [(f["cell"], f["line"]) for f in found] == [(3, 1)]  # the third cell's compile


# --------------------------------------------------------------------------- try / with
def test_a_model_loaded_or_built_in_try_except_gets_the_compile_after():
    source = src("""\
try:
    model = keras.models.load_model("saved.keras")
except OSError:
    model = keras.Sequential([keras.Input((8,)), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(X, y)
""")
    found = findings_of(source, "LRN202")
    assert [f.span.line for f in found] == [line_with(source, "model.compile")]


def test_a_model_built_under_a_strategy_scope_is_not_conditional():
    source = src("""\
with strategy.scope():
    model = keras.Sequential([keras.Input((8,)), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(X, y)
""")
    (finding,) = findings_of(source, "LRN202")
    assert "on one branch" not in finding.message


def test_a_regression_loss_is_read_with_the_targets_of_its_own_fit():
    source = src(classifier() + """\
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(X, y)
scores = np.random.rand(200)
model.compile(optimizer="adam", loss="mse")
model.fit(X, scores)
""")
    assert lines_of(source, "LRN203") == [line_with(source, 'loss="mse"')]  # softmax output: info only
    (finding,) = findings_of(source, "LRN203")
    assert "integer class labels" not in finding.message  # not the first fit's labels
    swapped = source.replace("model.fit(X, scores)", "model.fit(X, y)")
    (finding,) = findings_of(swapped, "LRN203")
    assert "integer class labels" in finding.message
