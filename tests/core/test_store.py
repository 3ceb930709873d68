import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from ionflux.core.db import APPLICATION_ID
from ionflux.core.errors import StoreError
from ionflux.core.store import DB_FILENAME, Store


def test_new_store_uses_wal_foreign_keys_and_busy_timeout(store: Store) -> None:
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
        assert conn.exec_driver_sql("PRAGMA application_id").scalar() == APPLICATION_ID


def test_store_reopens_existing_database(data_dir: Path) -> None:
    Store(data_dir).close()
    again = Store(data_dir)
    with again.read() as s:
        assert s.execute(text("SELECT count(*) FROM users")).scalar() == 0
    again.close()


def test_garbage_file_is_refused_and_left_untouched(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    db = data_dir / DB_FILENAME
    junk = b"this is not a database\x00" * 100
    db.write_bytes(junk)
    with pytest.raises(StoreError, match="not an SQLite database"):
        Store(data_dir)
    assert db.read_bytes() == junk


def test_foreign_sqlite_database_is_refused_and_left_untouched(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    db = data_dir / DB_FILENAME
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO recipes (name) VALUES ('soup')")
    con.commit()
    con.close()
    before = db.read_bytes()
    with pytest.raises(StoreError, match="another application"):
        Store(data_dir)
    assert db.read_bytes() == before


def test_truncated_database_is_refused_and_left_untouched(data_dir: Path) -> None:
    Store(data_dir).close()
    db = data_dir / DB_FILENAME
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    damaged = db.read_bytes()[: 4096 * 3]
    db.write_bytes(damaged)
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    with pytest.raises(StoreError):
        Store(data_dir)
    assert db.read_bytes() == damaged


def test_database_from_a_newer_ionflux_is_refused(data_dir: Path) -> None:
    Store(data_dir).close()
    con = sqlite3.connect(data_dir / DB_FILENAME)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="newer IONFLUX"):
        Store(data_dir)


def test_data_dir_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(StoreError, match="is a file"):
        Store(f)


def test_local_settings_round_trip_and_are_not_in_the_outbox(store: Store) -> None:
    store.set_local("k", {"a": 1})
    store.set_local("k", {"a": 2})
    assert store.get_local("k") == {"a": 2}
    assert store.get_local("missing", "dflt") == "dflt"
    assert store.pending_outbox_count() == 0


@pytest.mark.slow
def test_a_writer_committing_batch_after_batch_does_not_starve_the_others(store: Store,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import threading
    import time

    from ionflux.core import db

    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 300)  # only the store made below uses it
    busy = Store(store.data_dir.parent / "busy")
    stop = threading.Event()
    batches = []

    def churn() -> None:  # back-to-back transactions, each holding the write lock a while
        while not stop.is_set():
            with busy.unit_of_work(record_outbox=False) as uow:
                for i in range(300):
                    uow.session.execute(text("INSERT OR REPLACE INTO local_settings(key, value_json) "
                                             "VALUES (:k, '1')"), {"k": f"churn-{i}"})
                time.sleep(0.03)
            batches.append(1)

    worker = threading.Thread(target=churn)
    worker.start()
    try:
        for i in range(30):  # each must get its turn, never "database is locked"
            busy.set_local(f"other-{i}", i)
    finally:
        stop.set()
        worker.join()
    assert busy.get_local("other-29") == 29 and len(batches) > 5
    busy.close()
