"""The agent YAML editor: highlighting, live validation, completion, definition panel, runs."""
