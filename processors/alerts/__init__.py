"""Alerts (issue 14): follow a thread, an authority, an area or words by mail to subscribe@, confirm by
reply, and get one digest per period of what is new (processors/alerts/digests.py)."""
