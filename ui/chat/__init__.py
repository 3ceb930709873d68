"""The chat dock: channels, a virtualized message list, threads, reactions and a slash-command composer."""
