"""Voice menu (IVR)."""
