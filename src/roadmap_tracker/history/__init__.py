"""The history files: the plain-text record of progress that the store is built from."""
