"""Object detection: CenterNet on COCO's 80 classes, boxes kept by non-maximum suppression,
as the course's Coco-SSD does in the browser."""
