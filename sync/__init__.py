"""IONFLUX sync."""
