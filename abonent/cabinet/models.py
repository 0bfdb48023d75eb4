"""Consumers, their accounts and meters, readings, bills and payments (PC-1, PC-2)."""
