"""Applying, reverting and announcing fixes: new workflow versions from verified patches."""
