"""Skeleton: being written (issue 5)."""
