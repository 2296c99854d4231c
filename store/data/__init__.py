"""Data files shipped inside the store package (read with importlib.resources)."""
