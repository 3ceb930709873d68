"""IONFLUX app: the composition root (CLI, settings, wiring, Qt start-up)."""
