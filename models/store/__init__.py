"""Where models and data sets live: the registry of public homes, the local mirror and download
cache, the download itself, and the course's data sets.
"""
