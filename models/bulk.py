"""Bulk inserts for a large, new data set (the demo generator): rows buffered per table with ids assigned here,
sent as COPY on PostgreSQL and one prepared executemany on SQLite, parents before children."""
from __future__ import annotations

import datetime as dt

from peewee import DateField, DateTimeField, Model

from models.db import is_sqlite


class Bulk:
    """Buffered multi-row INSERTs for one table, with ids assigned here so rows can refer to each other."""

    def __init__(self, writer: BulkWriter, model: type[Model]) -> None:
        self.writer = writer
        self.model = model
        self.fields = None
        self.rows: list[tuple] = []
        self.next_id = 1
        self.count = 0

    def add(self, **values) -> int:
        row_id = self.next_id
        self.next_id += 1
        if self.fields is None:
            self.fields = [self.model._meta.fields[name] for name in ("id", *values)]
        self.rows.append((row_id, *values.values()))
        if len(self.rows) >= self.writer.batch:
            self.writer.flush()
        return row_id

    def flush(self) -> None:
        """Insert the buffered rows: COPY on PostgreSQL, one prepared executemany on SQLite.

        Building each multi-row INSERT through Peewee's query builder cost 90% of the
        generator's time; this is the same data through the driver directly.
        """
        if not self.rows:
            return
        database = self.model._meta.database
        table = self.model._meta.table_name
        columns = ", ".join(f'"{field.column_name}"' for field in self.fields)
        cursor = database.cursor()
        if is_sqlite(database):
            # sqlite3's own date adapters are deprecated: store what Peewee would store.
            convert = [i for i, field in enumerate(self.fields) if isinstance(field, (DateField, DateTimeField))]
            rows = self.rows
            if convert:
                rows = [list(row) for row in rows]
                for row in rows:
                    for i in convert:
                        if row[i] is not None:
                            row[i] = row[i].isoformat(" ") if isinstance(row[i], dt.datetime) else row[i].isoformat()
            params = ", ".join("?" * len(self.fields))
            cursor.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({params})', rows)
        else:
            with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                for row in self.rows:
                    copy.write_row(row)
        self.count += len(self.rows)
        self.rows = []


class BulkWriter:
    """All tables' buffers, flushed together in foreign-key order so no row precedes its parent."""

    def __init__(self, models: list[type[Model]], batch: int = 5000) -> None:
        self.batch = batch
        self.bulks = {model: Bulk(self, model) for model in models}

    def __getitem__(self, model: type[Model]) -> Bulk:
        return self.bulks[model]

    def flush(self) -> None:
        for bulk in self.bulks.values():
            bulk.flush()
