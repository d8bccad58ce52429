"""Sources: raw mail in. Each source yields (raw bytes, Origin) pairs.

Nothing here parses headers; ``read_inputs`` in ``sources.reader`` turns the
blobs into Messages and records what could not be read.
"""
