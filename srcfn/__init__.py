"""srcfn: one declarative spec per Segment Event Cloud Source → Source Function, catalog page, settings, tracking plan."""

__version__ = "0.1.0"
