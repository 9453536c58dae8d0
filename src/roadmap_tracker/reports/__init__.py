"""Looking back: what happened in a period."""
