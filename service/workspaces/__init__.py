"""Workspaces and their auto-fix policy."""
