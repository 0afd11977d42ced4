"""Facilitator: run in-person public-dialogue workshops offline."""

__version__ = "0.1.0"
