"""The app's settings live with the index (which reads them too); re-exported here for the assistant and the UI."""
from index.settings import ROOT, Settings

__all__ = ["ROOT", "Settings"]
