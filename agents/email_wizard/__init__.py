"""Email Wizard: RFM segments, drip sequences in customers' time zones, brand-voiced copy, SendGrid dispatch."""
