"""The clean stage: article text from HTML or flattened pages."""

from services.clean.stage import CleanStage

__all__ = ["CleanStage"]
