# fault: keras3-api
# Keras backend session handling from the TensorFlow 1 era.
import tensorflow as tf
from keras import backend as K

sess = K.get_session()
K.set_session(tf.compat.v1.Session())
