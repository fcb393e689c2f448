"""The Convolution lab's arithmetic and filters: what a conv or pooling layer does to an
image, its output size and its parameter count, as the deck's CNN slides compute them."""
