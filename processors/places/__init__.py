"""Places: where a place is, which bodies cover it and which of them takes a category (docs/places.md)."""
