"""Tests: understanding."""
