"""Segmentation: a class for every pixel (DeepLabV3, PASCAL VOC) and the person cut out
(MediaPipe selfie segmentation, what BodyPix does in the course's TF.js part)."""
