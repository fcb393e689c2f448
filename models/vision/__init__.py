"""Photos and videos in, ImageNet answers out: the safe image and video readers, MobileNet
classification, occlusion maps and transfer learning.
"""
