"""Photos and videos in, ImageNet answers out: the safe image and video readers, letterboxing
onto a model's square, MobileNet classification, occlusion maps and transfer learning.
"""
