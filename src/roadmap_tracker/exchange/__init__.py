"""The roadmap in and out: the JSON backup and restore, the Markdown export, and Markdown import."""
