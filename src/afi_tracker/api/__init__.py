"""The library's front door for changes: `Tracker`, one method per write command."""

from afi_tracker.api.tracker import Tracker

__all__ = ["Tracker"]
