"""MoveNet pose: letterboxing, running the model, keypoints in frame pixels, smoothing, joint
angles and drawing.
"""
