"""Progress on the plan: references people type, state changes, status, deliverables and momentum."""
