"""Tests: foi."""
