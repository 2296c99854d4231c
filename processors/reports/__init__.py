"""Problem reports by email (issue 12): a thread kind of its own (processors/reports/kind.py)."""
