"""The playbook engine: event-triggered, multi-step workflows with delays, branches and actions."""
