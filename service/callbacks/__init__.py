"""LinkFlow engine callbacks: signed reports of finished runs, stored as executions."""
