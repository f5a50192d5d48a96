"""The project scan: what a repository's own files say about the answers, read statically.

Never imports or executes anything from the scanned tree and never deserialises a model file.
"""
