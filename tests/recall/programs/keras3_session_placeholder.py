# fault: keras3-api
# TensorFlow 1 graph code: placeholders and a session.
import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, shape=[None, 2])
y = tf.placeholder(tf.float32, shape=[None, 1])
w = tf.Variable(tf.zeros([2, 1]))
pred = tf.matmul(x, w)
loss = tf.reduce_mean(tf.square(pred - y))
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
