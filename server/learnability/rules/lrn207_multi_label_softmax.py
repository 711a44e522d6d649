"""LRN207: multi-label targets (several ones per row) trained with softmax or categorical crossentropy."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.analysis.data import describe
from learnability.analysis.program import FitInfo, ModelInfo
from learnability.findings import Category, Finding, Severity
from learnability.rules._helpers import each_fit, first_per_key
from learnability.rules._outputs import output_of
from learnability.rules.base import Context, Invalid, RelatedSpan, Rule, Valid, register


@register(
    id="LRN207",
    name="multi-label-softmax",
    category=Category.LOSS,
    severity=Severity.WARNING,
    summary="Multi-label targets (several ones per row) into a softmax output or categorical crossentropy",
    rationale=(
        "A softmax makes the outputs of a row sum to 1, and categorical crossentropy assumes exactly one true "
        "class per row. With several true labels per row (make_multilabel_classification, MultiLabelBinarizer, "
        "a hand-built multi-hot array) the model can give each of k true labels at most 1/k, the loss never "
        "reaches its minimum and thresholded predictions miss most labels. Multi-label problems need one "
        "independent sigmoid per label and binary crossentropy."
    ),
    fix=None,
    covers=(
        "Targets from make_multilabel_classification or MultiLabelBinarizer, or a hand-built multi-hot array "
        "(`np.zeros((n, k))` with several ones set per row: `y[i, labels] = 1` with a list, a slice, "
        "`choice(k, 2)`, or in a loop over each row's own labels; a comprehension testing `c in row`; "
        "`(ids[:, :, None] == classes).any(axis=1)`), with a softmax output or categorical crossentropy"
    ),
    valid=[
        Valid("""
            import keras
            from keras import layers
            from sklearn.datasets import make_multilabel_classification

            X, Y = make_multilabel_classification(n_samples=1000, n_features=20, n_classes=5)
            model = keras.Sequential([keras.Input((20,)), layers.Dense(64, activation="relu"),
                                      layers.Dense(5, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(X, Y, epochs=20)
        """, note="sigmoid outputs with binary crossentropy"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            X = np.random.rand(600, 5)
            labels = np.argmax(X[:, :3], axis=1)
            Y = np.zeros((len(labels), 3))
            for i, c in enumerate(labels):
                Y[i, c] = 1.0
            model = keras.Sequential([keras.Input((5,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(3, activation="softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            model.fit(X, Y, epochs=30)
        """, note="one-hot built in a loop: one 1 per row"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            n, k = 800, 4
            X = np.random.rand(n, 6)
            labels = np.argmax(X[:, :k], axis=1)
            Y = np.zeros((n, k))
            for i in range(n):
                for j in range(k):
                    if labels[i] == j:
                        Y[i, j] = 1
            model = keras.Sequential([keras.Input((6,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(k, activation="softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            model.fit(X, Y, epochs=20)
        """, note="a nested loop over every class, one 1 per row"),
    ],
    invalid=[
        Invalid("""
            import keras
            from keras import layers
            from sklearn.datasets import make_multilabel_classification

            X, Y = make_multilabel_classification(n_samples=1000, n_features=20, n_classes=5)
            model = keras.Sequential([keras.Input((20,)), layers.Dense(64, activation="relu"),
                                      layers.Dense(5, activation="softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            model.fit(X, Y, epochs=20)
        """, message="softmax and categorical crossentropy with several labels per row: use sigmoid, binary_crossentropy"),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers
            from sklearn.preprocessing import MultiLabelBinarizer

            tags = [["a", "b"], ["b"], ["a", "c"], ["c"]] * 50
            y = MultiLabelBinarizer().fit_transform(tags)
            x = np.random.rand(200, 10)
            model = keras.Sequential([keras.Input((10,)), layers.Dense(32, activation="relu"),
                                      layers.Dense(3, activation="sigmoid")])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            model.fit(x, y, epochs=20)
        """, message="categorical crossentropy"),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            vocab = {"news": 0, "sport": 1, "tech": 2}
            articles = [["news", "sport"], ["tech"], ["news", "tech"]] * 100
            x = np.random.rand(len(articles), 16)
            y = np.zeros((len(articles), len(vocab)))
            for i, tags in enumerate(articles):
                for tag in tags:
                    y[i, vocab[tag]] = 1
            model = keras.Sequential([keras.Input((16,)), layers.Dense(32, activation="relu"),
                                      layers.Dense(3, activation="softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            model.fit(x, y, epochs=20)
        """, message="with several labels per row: use sigmoid"),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            genres = ["action", "comedy", "drama"]
            movies = [["action", "drama"], ["comedy"], ["drama", "comedy"]] * 100
            y = np.array([[1 if g in movie else 0 for g in genres] for movie in movies])
            x = np.random.rand(len(movies), 8)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(3, activation="softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            model.fit(x, y, epochs=20)
        """, message="several labels per row"),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    yield from first_per_key(each_fit(ctx, rule, lambda model, fit: _one(rule, ctx, model, fit)))


def _one(rule: Rule, ctx: Context, model: ModelInfo, fit: FitInfo) -> Iterator[tuple[int, Finding]]:
    program = ctx.program
    if fit.y is None:
        return
    info = describe(program, fit.y, fit.call.index)
    if not info.multi_hot:
        return
    loss = model.compile.loss.name if model.compile is not None and model.compile.loss is not None else None
    out = output_of(program, model)
    act = out.activation if out is not None else None
    if act != "softmax" and loss != "categorical_crossentropy":
        return
    what = " and ".join(x for x in (("softmax" if act == "softmax" else ""),
                                    ("categorical crossentropy" if loss == "categorical_crossentropy" else "")) if x)
    related: list[RelatedSpan] = []
    if out is not None:
        related.append((out.act_layer.call.placed, out.act_layer.call.node, f"the output activation: {act}"))
    if info.origin is not None:
        related.append((info.origin.placed, info.origin.raw.node, "the multi-label targets are made here"))
    yield id(fit.call.node), rule.finding(
        ctx, fit.call.placed, fit.y,
        f"{what} with several labels per row: use sigmoid, binary_crossentropy",
        related=related, activation=act, loss=loss)
