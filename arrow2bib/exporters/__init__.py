"""Exporters: one module per output format, each registered as a plugin."""

from .base import Entry, Exporter, ExportOptions

__all__ = ["Entry", "Exporter", "ExportOptions"]
