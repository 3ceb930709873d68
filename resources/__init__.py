"""IONFLUX resources."""
