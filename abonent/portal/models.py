"""Public website."""
