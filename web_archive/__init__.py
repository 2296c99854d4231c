"""The static archive builder: a pure renderer from the store to files."""
