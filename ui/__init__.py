"""IONFLUX ui: PySide6 windows, widgets and view-models. No SQL, no HTTP."""
