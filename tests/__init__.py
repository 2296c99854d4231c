"""mailgate's tests: real servers on ephemeral ports, real .eml files, the real CLI."""
