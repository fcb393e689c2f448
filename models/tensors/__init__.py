"""The Tensor explorer's TensorFlow side: making tensors from recipes, the operations, their
Python and TF.js code, and printing as TF.js does.
"""
