import tensorflow as tf

from model import build

images = tf.keras.utils.image_dataset_from_directory("data/train", image_size=(28, 28))
model = build()
model.compile(optimizer="adam", loss=tf.keras.losses.SparseCategoricalCrossentropy(True))
model.fit(images, epochs=5)
tf.saved_model.save(model, "models/classifier/1")
