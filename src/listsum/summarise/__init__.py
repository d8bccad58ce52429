"""Summaries of threads by a local model (or the extractive fallback).

``run.summarise_report`` is the stage the pipeline calls; ``base`` holds the
backend interface and registry; nothing here prints or imports the CLI.
"""
