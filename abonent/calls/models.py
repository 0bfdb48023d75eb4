"""Calls of the contact centre as the PBX reports them, their recordings and outcomes."""
