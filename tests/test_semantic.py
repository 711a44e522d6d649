"""The semantic layer: which binding a name refers to at each use (branches, loops, functions per call)."""

from __future__ import annotations

import textwrap

from learnability.analysis.program import Program
from learnability.analysis.semantic import NOTHING, SemanticModel


def model_of(source: str) -> SemanticModel:
    return SemanticModel(textwrap.dedent(source))


def index_of(sem: SemanticModel, text: str, nth: int = 0) -> int:
    """The index of the `nth` placed statement whose code contains `text`."""
    hits = [s.index for s in sem.stmts if s.placed.code(s.raw.node).startswith(text)]
    assert len(hits) > nth, f"no statement {nth} with {text!r}"
    return hits[nth]


def values(sem: SemanticModel, name: str, at: int) -> list:
    return sorted(sem.const(v, s.index) if v is not None else None for v, s in sem.values_of(name, at))


def test_a_reassignment_starts_a_new_value():
    sem = model_of("""
        lr = 0.1
        a = lr
        lr = 0.001
        b = lr
    """)
    assert sem.const(sem.stmts[index_of(sem, "a = lr")].raw.value, index_of(sem, "a = lr")) == 0.1
    assert sem.const(sem.stmts[index_of(sem, "b = lr")].raw.value, index_of(sem, "b = lr")) == 0.001


def test_branches_are_alternatives_and_both_reach_after_the_join():
    sem = model_of("""
        x = 1
        if big:
            x = 2
            inside_if = x
        else:
            inside_else = x
            x = 3
        after = x
    """)
    assert values(sem, "x", index_of(sem, "inside_if")) == [2]
    assert values(sem, "x", index_of(sem, "inside_else")) == [1]  # the if arm's binding is another path
    assert values(sem, "x", index_of(sem, "after")) == [2, 3]  # both arms rebind: 1 no longer reaches


def test_an_if_without_else_keeps_the_earlier_binding_reaching():
    sem = model_of("""
        x = 1
        if c:
            x = 2
        after = x
    """)
    assert values(sem, "x", index_of(sem, "after")) == [1, 2]


def test_main_guard_is_not_a_branch():
    sem = model_of("""
        x = 1
        if __name__ == "__main__":
            x = 2
        after = x
    """)
    assert values(sem, "x", index_of(sem, "after")) == [2]


def test_try_and_except_are_alternatives():
    sem = model_of("""
        try:
            x = 1
        except ImportError:
            x = 2
        after = x
    """)
    assert values(sem, "x", index_of(sem, "after")) == [1, 2]


def test_a_literal_loop_is_unrolled_one_arm_per_element():
    sem = model_of("""
        for lr in [1e-4, 1e-1]:
            rate = lr
    """)
    rates = [sem.const(sem.stmts[i].raw.value, i) for i in range(len(sem.stmts)) if "rate = lr" in
             sem.stmts[i].placed.code(sem.stmts[i].raw.node)]
    assert rates == [1e-4, 1e-1]
    assert "iteration lr = 0.1" in sem.context(index_of(sem, "rate = lr", 1)) or \
        "lr = 1e-1" in sem.context(index_of(sem, "rate = lr", 1))


def test_a_loop_over_a_name_bound_to_a_literal_list_is_unrolled():
    sem = model_of("""
        RATES = (0.5, 0.01)
        for r in RATES:
            y = r
    """)
    assert len([s for s in sem.stmts if "y = r" in s.placed.code(s.raw.node)]) == 2


def test_other_loops_are_read_once_and_may_not_run():
    sem = model_of("""
        x = 1
        for i in range(n):
            x = 2
        after = x
    """)
    assert values(sem, "x", index_of(sem, "after")) == [1, 2]


def test_a_function_is_analysed_once_per_call_with_its_literal_arguments():
    sem = model_of("""
        def build(lr=0.01, units=8):
            rate = lr
            return rate
        a = build(lr=0.1)
        b = build(0.5)
        c = build()
    """)
    rates = [sem.const(s.raw.value, s.index) for s in sem.stmts if s.raw.targets == (("rate", ()),)]
    assert rates == [0.1, 0.5, 0.01]
    for name, want in (("a", 0.1), ("b", 0.5), ("c", 0.01)):
        value, stmt = sem.value_of(name, len(sem.stmts))
        assert sem.const(value, stmt.index) == want  # the call's value is what that call returned
    assert "build(lr=0.1) on line 5" in sem.context(index_of(sem, "rate = lr", 0))


def test_a_parameter_hides_a_global_of_the_same_name():
    sem = model_of("""
        lr = 0.5
        def build(lr):
            rate = lr
    """)
    i = index_of(sem, "rate = lr")
    assert sem.const(sem.stmts[i].raw.value, i) is NOTHING  # the parameter, unknown: not the global 0.5


def test_a_function_sees_the_globals_at_its_call():
    sem = model_of("""
        LR = 0.5
        def build():
            rate = LR
        build()
        LR = 0.001
        build()
    """)
    rates = [sem.const(s.raw.value, s.index) for s in sem.stmts if s.raw.targets == (("rate", ()),)]
    assert rates == [0.5, 0.001]


def test_tuples_returned_by_a_function_unpack_per_call():
    sem = model_of("""
        def make(n):
            a = n * 2
            return a, n
        x, y = make(3)
    """)
    value, stmt = sem.value_of("x", len(sem.stmts))
    assert sem.const(value, stmt.index) == 6
    value, stmt = sem.value_of("y", len(sem.stmts))
    assert sem.const(value, stmt.index) == 3


def test_recursion_is_not_followed_forever():
    sem = model_of("""
        def f(n):
            return f(n - 1)
        f(3)
    """)
    assert len(sem.stmts) < 50


def test_models_follow_values_not_names():
    program = Program(textwrap.dedent("""
        from tensorflow import keras
        model = keras.Sequential([keras.layers.Dense(1)])
        model.compile(loss="mse")
        first = model
        model = keras.Sequential([keras.layers.Dense(2)])
        model.compile(loss="mae")
        first.fit(X, y)
        model.fit(X, y)
    """))
    a, b = program.models
    assert [c.loss.name for c in a.compiles] == ["mse"] and [c.loss.name for c in b.compiles] == ["mae"]
    assert [f.compile.loss.name for f in a.fits] == ["mse"]
    assert [f.compile.loss.name for f in b.fits] == ["mae"]


def test_each_fit_is_paired_with_the_compile_in_force():
    program = Program(textwrap.dedent("""
        from tensorflow import keras
        model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy")
        model.fit(X, y)
        model.compile(loss="categorical_crossentropy")
        model.fit(X, y1)
        model.evaluate(X, y1)
    """))
    (model,) = program.models
    assert [f.compile.loss.name for f in model.fits] == ["sparse_categorical_crossentropy", "categorical_crossentropy"]
    assert [len(c.fits) for c in model.compiles] == [1, 1]
    assert model.uses[0].compile is model.compiles[1]
    assert [t.compile.loss.name for t in program.trainings()] == [
        "sparse_categorical_crossentropy", "categorical_crossentropy"]


def test_compiles_in_both_branches_both_reach_the_fit():
    program = Program(textwrap.dedent("""
        from tensorflow import keras
        model = keras.Sequential([keras.layers.Dense(1)])
        if regression:
            model.compile(loss="mse")
        else:
            model.compile(loss="binary_crossentropy")
        model.fit(X, y)
    """))
    (fit,) = program.models[0].fits
    assert sorted(c.loss.name for c in fit.compiles) == ["binary_crossentropy", "mse"]
    assert program.conditional(fit.compiles[0].index, fit.call.index).startswith("on one branch")


def test_a_model_builder_called_twice_makes_two_models():
    program = Program(textwrap.dedent("""
        from tensorflow import keras
        def build_model(lr=0.001):
            model = keras.Sequential([keras.layers.Dense(1)])
            model.compile(optimizer=keras.optimizers.Adam(lr), loss="mse")
            return model
        a = build_model(lr=0.1)
        b = build_model(lr=1e-4)
        a.fit(X, y)
    """))
    assert len(program.models) == 2
    rates = [m.compile.optimizer.learning_rate for m in program.models]
    assert rates == [0.1, 1e-4]
    assert program.model_at("a", len(program.stmts)) is program.models[0]
    assert program.model_at("b", len(program.stmts)) is program.models[1]
    assert len(program.models[0].fits) == 1 and not program.models[1].fits


def test_a_name_rebound_to_something_else_no_longer_refers_to_the_model():
    program = Program(textwrap.dedent("""
        from tensorflow import keras
        model = keras.Sequential([keras.layers.Dense(1)])
        model = keras.models.load_model("m.keras")
        model.compile(loss="mse")
    """))
    assert program.models[0].compiles == []


def test_a_nested_function_sees_the_names_of_the_function_it_is_defined_in():
    sem = model_of("""
        lr = 0.5
        def main():
            lr = 0.1
            def build():
                rate = lr
            build()
        main()
    """)
    (i,) = [s.index for s in sem.stmts if s.raw.targets == (("rate", ()),)]
    assert sem.const(sem.stmts[i].raw.value, i) == 0.1


def test_a_function_does_not_see_its_callers_locals():
    sem = model_of("""
        def build():
            rate = lr
        def main():
            lr = 0.1
            build()
        main()
    """)
    (i,) = [s.index for s in sem.stmts if s.raw.targets == (("rate", ()),)]
    assert sem.const(sem.stmts[i].raw.value, i) is NOTHING
