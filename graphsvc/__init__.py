"""graphsvc: an open social-map service for social CRM."""

__version__ = "0.1.0"
__all__ = ["__version__"]
