"""Reading a Markdown roadmap (a README with checkboxes) into roadmap.yaml data."""
