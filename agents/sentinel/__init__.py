"""Shopify Sales Sentinel: streaming anomaly detection for shop metrics (orders, GMV, conversion, errors)."""

from ionflux.agents.sentinel.detector import AnomalyDetector, score_series
from ionflux.agents.sentinel.scoring import SeriesFormatError, score_csv

__all__ = ["AnomalyDetector", "SeriesFormatError", "score_csv", "score_series"]
