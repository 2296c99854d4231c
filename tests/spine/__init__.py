"""Tests: spine."""
