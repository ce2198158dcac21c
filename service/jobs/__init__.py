"""Background work: the queue of analyses that callbacks request."""
