"""Dramatiq actors and everything they run: understanding mail, routing it, FOI logic, outbox, delivery."""
