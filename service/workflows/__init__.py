"""Workflow sync: LinkFlow's workflows and their immutable versions."""
