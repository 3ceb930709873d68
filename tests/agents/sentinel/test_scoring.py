"""score_csv: row-by-row CSV scoring, its output layout, and errors that name the file and line."""

from __future__ import annotations

import csv
import math
import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from ionflux.agents.sentinel.detector import AnomalyDetector
from ionflux.agents.sentinel.scoring import SeriesFormatError, score_csv


def write_series(path: Path, rows: list[tuple[str, str]], header: str = "timestamp,value") -> None:
    path.write_text(header + "\n" + "".join(f"{t},{v}\n" for t, v in rows), encoding="utf-8")


def nab_rows(n: int, seed: int = 0) -> list[tuple[datetime, float]]:
    rng = random.Random(seed)
    start = datetime(2014, 4, 1)
    rows = [(start + timedelta(minutes=5 * i), 20.0 + 10.0 * math.sin(i / 288 * 2 * math.pi) + rng.gauss(0, 1))
            for i in range(n)]
    if n > 300:
        rows[300] = (rows[300][0], 90.0)
    return rows


def read_output(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_scores_every_row_with_the_expected_header_and_the_detectors_scores(tmp_path: Path) -> None:
    rows = nab_rows(400)
    src, dst = tmp_path / "IN.csv", tmp_path / "OUT.csv"
    write_series(src, [(t.strftime("%Y-%m-%d %H:%M:%S"), repr(v)) for t, v in rows])

    assert score_csv(src, dst) == 400

    out = read_output(dst)
    assert out[0] == ["timestamp", "value", "anomaly_score"]
    assert len(out) == 401
    assert [r[0] for r in out[1:]] == [t.strftime("%Y-%m-%d %H:%M:%S") for t, _ in rows]
    assert [r[1] for r in out[1:]] == [repr(v) for _, v in rows]
    detector = AnomalyDetector()
    assert [float(r[2]) for r in out[1:]] == [detector.update(t, v) for t, v in rows]
    assert float(out[301][2]) >= 0.9
    assert not (tmp_path / "OUT.csv.partial").exists()


def test_reads_iso_8601_timestamps_with_t_z_offsets_and_fractions(tmp_path: Path) -> None:
    rows = nab_rows(200)
    src, dst = tmp_path / "iso.csv", tmp_path / "out.csv"
    formats = ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S+00:00")
    write_series(src, [(t.strftime(formats[i % 3]), str(v)) for i, (t, v) in enumerate(rows)])
    assert score_csv(src, dst) == 200
    detector = AnomalyDetector()
    assert [float(r[2]) for r in read_output(dst)[1:]] == [detector.update(t, v) for t, v in rows]


def test_a_bad_value_names_the_file_and_line(tmp_path: Path) -> None:
    rows = [(t.strftime("%Y-%m-%d %H:%M:%S"), repr(v)) for t, v in nab_rows(30)]
    rows[15] = (rows[15][0], "abc")  # data row 16 is line 17 (the header is line 1)
    src, dst = tmp_path / "IN.csv", tmp_path / "OUT.csv"
    write_series(src, rows)
    with pytest.raises(SeriesFormatError) as caught:
        score_csv(src, dst)
    assert str(caught.value) == f"{src}:17: value 'abc' is not a number"
    assert isinstance(caught.value, ValueError)
    assert caught.value.line == 17
    assert not dst.exists()
    assert not (tmp_path / "OUT.csv.partial").exists()


def test_a_bad_timestamp_names_the_file_and_line(tmp_path: Path) -> None:
    src = tmp_path / "IN.csv"
    write_series(src, [("2014-04-01 00:00:00", "1"), ("yesterday", "2")])
    with pytest.raises(SeriesFormatError, match=r"IN\.csv:3: timestamp 'yesterday' is not a date-time"):
        score_csv(src, tmp_path / "OUT.csv")


def test_an_empty_value_is_a_missing_point_scored_zero(tmp_path: Path) -> None:
    rows = [(t.strftime("%Y-%m-%d %H:%M:%S"), repr(v)) for t, v in nab_rows(300)]
    rows[200] = (rows[200][0], "")
    rows[201] = (rows[201][0], " ")
    src, dst = tmp_path / "IN.csv", tmp_path / "OUT.csv"
    write_series(src, rows)
    assert score_csv(src, dst) == 300
    out = read_output(dst)
    assert out[201] == [rows[200][0], "", "0.0"]
    assert float(out[202][2]) == 0.0
    assert all(0.0 <= float(r[2]) <= 1.0 for r in out[1:])


def test_columns_are_found_by_name_and_a_header_without_them_is_refused(tmp_path: Path) -> None:
    src, dst = tmp_path / "cols.csv", tmp_path / "out.csv"
    src.write_text("Value,shop,Timestamp\n1.5,a,2014-04-01 00:00:00\n2.5,a,2014-04-01 00:05:00\n", encoding="utf-8")
    assert score_csv(src, dst) == 2
    assert read_output(dst)[1][:2] == ["2014-04-01 00:00:00", "1.5"]

    src.write_text("time,amount\n2014-04-01 00:00:00,1\n", encoding="utf-8")
    with pytest.raises(SeriesFormatError, match=r"cols\.csv:1: header"):
        score_csv(src, dst)
    src.write_text("", encoding="utf-8")
    with pytest.raises(SeriesFormatError, match="empty"):
        score_csv(src, dst)


def test_a_short_row_names_its_line(tmp_path: Path) -> None:
    src = tmp_path / "IN.csv"
    src.write_text("timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00\n", encoding="utf-8")
    with pytest.raises(SeriesFormatError, match=r"IN\.csv:3: expected at least 2 columns, found 1"):
        score_csv(src, tmp_path / "OUT.csv")
