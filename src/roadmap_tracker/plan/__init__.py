"""The plan: roadmap.yaml read with the position of every value, validated, and flattened into items."""
