"""Draw a digit: the MNIST preprocessing pipeline, the course's MNIST CNN and the default model
trained once.
"""
