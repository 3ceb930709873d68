"""IONFLUX agents: runtime, LLM providers, memory, triggers and the agents themselves."""
