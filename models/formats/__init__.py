"""Model file formats: TF.js graph and layers models and their weight shards, TFLite, SavedModel,
Keras files; describing, opening and converting them.
"""
