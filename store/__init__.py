"""The store: sqlmodel tables, engine, migrations, and the vocabulary of stored states."""
