"""Sales Sentinel commands usable without a workspace: scoring a metric series from a CSV file."""

from __future__ import annotations

from pathlib import Path

from ionflux.app.commands import registry
from ionflux.app.context import App
from ionflux.core.commands import Output
from ionflux.core.errors import ValidationError


@registry.command("sentinel.score", title="Score a metric series for anomalies")
def sentinel_score(app: App, input_csv: Path, output_csv: Path) -> Output:
    """Score timestamp,value rows with the Sales Sentinel's streaming anomaly detector.

    Writes timestamp,value,anomaly_score (in [0, 1]), one row per input row, in order; each score
    uses only the rows before it (no look-ahead), so the file can be as long as you like.

    Args:
        input_csv: CSV with a header and the columns timestamp and value.
        output_csv: Where to write the scored rows.
    """
    from ionflux.agents.sentinel.scoring import score_csv

    if not input_csv.is_file():
        raise ValidationError("no such file", where=str(input_csv))
    rows = score_csv(input_csv, output_csv)
    return Output(f"Scored {rows} rows into {output_csv}", {"rows": rows, "output": str(output_csv)})
