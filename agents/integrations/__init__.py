"""Clients of external services (Shopify, TikTok, SendGrid, WhatsApp Cloud API, Slack) over httpx."""
