# fault: keras3-api
# Keras 2's text Tokenizer.
from keras.preprocessing.text import Tokenizer
from keras.preprocessing.sequence import pad_sequences

texts = ["the cat sat", "the dog barked"]
tok = Tokenizer(num_words=1000)
tok.fit_on_texts(texts)
seqs = pad_sequences(tok.texts_to_sequences(texts), maxlen=10)
