"""Home visits."""
