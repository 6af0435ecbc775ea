"""Question answering over police-bureau inspection rectification notices."""

__version__ = "0.1.0"
