"""afi-tracker: track the response to police and fire inspection reports."""

__version__ = "0.1.0"
