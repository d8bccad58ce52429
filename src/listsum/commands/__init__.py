"""CLI commands, one module per group, each registering on listsum.cli.app."""
