"""The progress store (SQLite): the only package that holds SQL. Everything else calls its functions and gets plain data back."""
