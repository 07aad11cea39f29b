"""floor_sql: the plainest hand-written SQL for the overview's rows, run straight on the driver.

The benchmark runs it next to `overview_rows()` on the same database; their ratio is what the
query builder, the access checks and turning rows into `OverviewRow`s cost on top of the SQL.
"""
from __future__ import annotations

import datetime as dt

from peewee import Database

FLOOR_SQL = """
SELECT p.id, p.name, r.name, reg.number, per.end_date, per.norm_total, per.achieved, per.status,
       per.seq = latest.seq, p.sort_name, p.search_name
FROM registration_period per
JOIN registration reg ON reg.id = per.registration_id
JOIN professional p ON p.id = reg.professional_id
JOIN register r ON r.id = reg.register_id
JOIN registration_period latest ON latest.registration_id = reg.id
     AND latest.seq = (SELECT MAX(seq) FROM registration_period WHERE registration_id = reg.id)
WHERE per.seq + 1 >= latest.seq
  AND reg.professional_id IN (
      SELECT g.professional_id FROM access_grant g
      JOIN branch b ON b.id = g.branch_id
      JOIN organisation o ON o.id = b.organisation_id
      WHERE b.manager_id = {p} AND o.status = 'approved' AND b.removed_at IS NULL
        AND g.revoked_at IS NULL AND (g.end_date IS NULL OR g.end_date >= {p}))
ORDER BY CASE latest.status WHEN 'red' THEN 0 ELSE 1 END, latest.end_date, p.sort_name, r.name, reg.number,
         per.seq DESC
"""


def floor_rows(database: Database, account_id: int, today: dt.date) -> list[tuple]:
    placeholder = database.param
    return database.execute_sql(FLOOR_SQL.format(p=placeholder), (account_id, today)).fetchall()
