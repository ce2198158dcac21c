"""Recorded executions: queries over what imports and callbacks stored."""
