"""roadmap-tracker: follow a learning roadmap and see how far you have come."""

__version__ = "0.1.0"
