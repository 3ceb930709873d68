"""Revenue Tracker Lite v2: exact per-order contribution margins, a dashboard, a daily digest and margin alerts."""
