"""Every view: terminal output (plain or Rich), Markdown writers, and where output goes."""
