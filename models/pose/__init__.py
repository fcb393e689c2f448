"""MoveNet pose: running the model on a letterboxed frame (models/vision/letterbox.py),
keypoints in frame pixels, smoothing, joint angles and drawing.
"""
