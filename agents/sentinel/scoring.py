"""Scores a ``timestamp,value`` CSV file row by row into ``timestamp,value,anomaly_score``."""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Protocol

from ionflux.agents.sentinel.detector import AnomalyDetector
from ionflux.core.errors import ValidationError


class SeriesFormatError(ValidationError, ValueError):
    """A row of a metric CSV cannot be read; the message names the file and line.

    Args:
        path: The file, as the caller named it.
        line: 1-based line number in the file (the header is line 1).
        problem: What is wrong with that line.
    """

    def __init__(self, path: str, line: int, problem: str) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        super().__init__(problem, where=f"{path}:{line}")


def parse_timestamp(text: str) -> datetime | float:
    """A timestamp cell as a datetime (NAB ``2014-04-01 00:00:00`` or ISO 8601 with T/Z/offset) or epoch seconds.

    Raises:
        ValueError: The text is neither.
    """
    text = text.strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    seconds = float(text)  # epoch seconds; raises ValueError for anything else
    if not math.isfinite(seconds):
        raise ValueError(text)
    return seconds


def score_csv(in_path: str | os.PathLike[str], out_path: str | os.PathLike[str]) -> int:
    """Score every row of ``in_path`` with a fresh detector and write them to ``out_path``.

    The input needs a header naming ``timestamp`` and ``value`` columns (others are ignored).
    Each row is scored as it is read, with no look-ahead and constant memory, and written as
    ``timestamp,value,anomaly_score`` with the timestamp and value text unchanged. An empty
    value is a missing point: it scores 0 and teaches the detector nothing. The output is
    written to a temporary file beside ``out_path`` and renamed at the end, so a failure never
    leaves a half-written result.

    Returns:
        The number of data rows written.

    Raises:
        SeriesFormatError: A row has a bad timestamp or value, or the header lacks the columns.
    """
    name = os.fspath(in_path)
    target = Path(out_path)
    partial = target.with_name(target.name + ".partial")
    detector = AnomalyDetector()
    rows = 0
    try:
        with open(in_path, newline="", encoding="utf-8-sig") as src, \
                open(partial, "w", newline="", encoding="utf-8") as dst:
            reader = csv.reader(src)
            writer = csv.writer(dst, lineterminator="\n")
            t_col, v_col = _header_columns(reader, name)
            writer.writerow(("timestamp", "value", "anomaly_score"))
            width = max(t_col, v_col) + 1
            for record in reader:
                if not record or (len(record) == 1 and not record[0].strip()):
                    continue  # blank line
                line = reader.line_num
                if len(record) < width:
                    raise SeriesFormatError(name, line, f"expected at least {width} columns, found {len(record)}")
                t_text, v_text = record[t_col], record[v_col]
                try:
                    timestamp = parse_timestamp(t_text)
                except ValueError:
                    raise SeriesFormatError(name, line, f"timestamp {t_text!r} is not a date-time") from None
                if v_text.strip():
                    try:
                        value = float(v_text)
                    except ValueError:
                        raise SeriesFormatError(name, line, f"value {v_text!r} is not a number") from None
                else:
                    value = math.nan
                score = detector.update(timestamp, value)
                writer.writerow((t_text, v_text, repr(score)))
                rows += 1
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return rows


class _Rows(Protocol):
    """What ``csv.reader`` offers: rows, and the number of the line just read."""

    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...

    def __next__(self) -> list[str]: ...


def _header_columns(reader: _Rows, name: str) -> tuple[int, int]:
    """Positions of the ``timestamp`` and ``value`` columns named by the first non-blank line."""
    for header in reader:
        if not header or (len(header) == 1 and not header[0].strip()):
            continue
        names = [cell.strip().lower() for cell in header]
        if "timestamp" in names and "value" in names:
            return names.index("timestamp"), names.index("value")
        raise SeriesFormatError(name, reader.line_num, f"header {','.join(header)!r} lacks timestamp and value columns")
    raise SeriesFormatError(name, 1, "file is empty; expected a header with timestamp and value columns")
