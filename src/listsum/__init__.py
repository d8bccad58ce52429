"""listsum: local, private summaries of mailing-list traffic."""

__version__ = "0.1.0"
