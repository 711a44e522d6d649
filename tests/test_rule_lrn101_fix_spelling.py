"""LRN101's fix must produce code that runs: it names relu the way the activation was spelled,
and falls back to the string "relu" where that spelling has no relu."""

from fixcheck import apply_fix

HEAD = """\
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers
"""
# pixels up to 255 reach the model: a saturating conv is then LRN101 (one or two saturating layers on inputs
# of unknown scale are not)
TRAIN = "m.compile(optimizer='adam', loss='binary_crossentropy')\nm.fit(np.random.rand(10, 8, 8, 1) * 255, np.zeros(10))\n"


def test_activation_from_a_variable_becomes_the_string_relu():
    src = HEAD + 'act = "sigmoid"\nm = keras.Sequential([layers.Conv2D(8, 3, activation=act, input_shape=(8, 8, 1)), layers.Flatten(), layers.Dense(1, activation="sigmoid")])\n' + TRAIN
    out = apply_fix(src, "LRN101")
    assert 'activation="relu"' in out
    assert "activation=relu" not in out


def test_tf_nn_sigmoid_becomes_tf_nn_relu():
    src = HEAD + 'm = keras.Sequential([layers.Conv2D(8, 3, activation=tf.nn.sigmoid, input_shape=(8, 8, 1)), layers.Flatten(), layers.Dense(1, activation="sigmoid")])\n' + TRAIN
    out = apply_fix(src, "LRN101")
    assert "activation=tf.nn.relu" in out


def test_tf_math_sigmoid_becomes_the_string_relu_since_tf_math_has_no_relu():
    src = HEAD + 'm = keras.Sequential([layers.Conv2D(8, 3, activation=tf.math.sigmoid, input_shape=(8, 8, 1)), layers.Flatten(), layers.Dense(1, activation="sigmoid")])\n' + TRAIN
    out = apply_fix(src, "LRN101")
    assert 'activation="relu"' in out and "tf.math.relu" not in out


def test_keras_activations_tanh_becomes_keras_activations_relu():
    src = HEAD + 'm = keras.Sequential([layers.Conv2D(8, 3, activation=keras.activations.tanh, input_shape=(8, 8, 1)), layers.Flatten(), layers.Dense(1, activation="sigmoid")])\n' + TRAIN
    out = apply_fix(src, "LRN101")
    assert "activation=keras.activations.relu" in out
