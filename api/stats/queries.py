"""All SQL of the indicators. INDICATORS is the definition: one statement over the real tables.
INDICATORS_ROLLED_UP gives the same answer from the monthly rollup (indicator_months, recomputed by
SQL from dossiers and dossier_ratings) plus the rows it does not hold, read live; tests compare the
two."""

from api.dossiers.queries import overdue_sql

_TZ = "'Asia/Ho_Chi_Minh'"
_OPEN = "('submitted', 'received', 'supplement_requested', 'awaiting_payment', 'processing')"
# nothing of a dossier the indicators read changes after these
FINAL = "('returned', 'rejected', 'withdrawn')"

# what the period's received dossiers add up to
_RECEIVED = f"""
        count(*) AS received,
        count(*) FILTER (WHERE resolved_at IS NOT NULL) AS resolved,
        count(*) FILTER (WHERE (resolved_at AT TIME ZONE {_TZ})::date <= appointment_date) AS resolved_on_time,
        count(*) FILTER (WHERE (resolved_at AT TIME ZONE {_TZ})::date < appointment_date) AS resolved_early,
        count(*) FILTER (WHERE (resolved_at AT TIME ZONE {_TZ})::date > appointment_date) AS resolved_late,
        count(*) FILTER (WHERE channel = 'online') AS online,
        count(*) FILTER (WHERE digitized) AS digitized,
        count(*) FILTER (WHERE status IN ('result_ready', 'returned')) AS results,
        count(*) FILTER (WHERE status IN ('result_ready', 'returned') AND result_document IS NOT NULL)
            AS electronic_results"""
_RECEIVED_SUMS = ", ".join(
    f"sum({c})::bigint AS {c}"
    for c in (
        "received",
        "resolved",
        "resolved_on_time",
        "resolved_early",
        "resolved_late",
        "online",
        "digitized",
        "results",
        "electronic_results",
    )
)


def _reception(now: str) -> str:
    """What the period's online submissions add up to; `now` names the parameter holding the time."""
    return f"""
        count(*) FILTER (WHERE reception_answered_at IS NOT NULL
                         OR (status = 'submitted' AND reception_due_at < {now})) AS reception_due,
        count(*) FILTER (WHERE reception_answered_at <= reception_due_at) AS reception_met"""


_RATED = """
        count(*) AS ratings, sum(score)::bigint AS score_sum"""

_OPEN_NOW = f"""
open AS (
    SELECT count(*) AS overdue_now
    FROM dossiers d
    WHERE d.agency_code = ANY($1::text[])
        AND d.status IN {_OPEN}
        AND ({overdue_sql("reception", "$4", "$5")} OR {overdue_sql("processing", "$4", "$5")})
)"""

# $1 offices, $2 from (inclusive), $3 to (exclusive), $4 now, $5 today in Vietnam
INDICATORS = f"""
WITH received AS (
    SELECT {_RECEIVED}
    FROM dossiers
    WHERE agency_code = ANY($1::text[]) AND received_at >= $2 AND received_at < $3
), reception AS (
    SELECT {_reception("$4")}
    FROM dossiers
    WHERE agency_code = ANY($1::text[]) AND channel = 'online' AND submitted_at >= $2 AND submitted_at < $3
), rated AS (
    SELECT avg(score)::float8 AS satisfaction, count(*) AS ratings
    FROM dossier_ratings
    WHERE agency_code = ANY($1::text[]) AND created_at >= $2 AND created_at < $3
), {_OPEN_NOW}
SELECT * FROM received, reception, rated, open
"""


def _not_rolled_up(
    columns: str, source: str, at: str, bounds: tuple[str, str, str, str] = ("$2", "$6", "$7", "$3")
) -> str:
    """`columns` over the rows of `source` (a table and a first condition) that the rollup does not
    answer for: those of the part-months at either end, and within the whole months those not rolled up.
    `bounds`: the parameters of the period's start, the whole months' start and end, the period's end."""
    low, first, stop, high = bounds
    return f"""
        SELECT {columns} FROM {source} AND {at} >= {low} AND {at} < {first}
        UNION ALL
        SELECT {columns} FROM {source} AND {at} >= {stop} AND {at} < {high}
        UNION ALL
        SELECT {columns} FROM {source} AND {at} >= {first} AND {at} < {stop} AND NOT rolled_up"""


_DOSSIERS = "dossiers WHERE agency_code = ANY($1::text[])"
_ROLLUP = "indicator_months WHERE agency_code = ANY($1::text[]) AND month >= $8 AND month < $9"

# The same, with $6 and $7 the bounds of the whole months inside [$2, $3) and $8, $9 their first days
# ($6 = $7 = $3 and $8 = $9 when there is none): the part-months at either end are read live, the whole
# months from the rollup plus their rows not rolled up.
INDICATORS_ROLLED_UP = f"""
WITH received AS (
    SELECT {_RECEIVED_SUMS} FROM (
        {_not_rolled_up(_RECEIVED, _DOSSIERS, "received_at")}
        UNION ALL
        SELECT {_RECEIVED_SUMS} FROM {_ROLLUP}
    ) parts
), reception AS (
    SELECT sum(reception_due)::bigint AS reception_due, sum(reception_met)::bigint AS reception_met FROM (
        {_not_rolled_up(_reception("$4"), _DOSSIERS + " AND channel = 'online'", "submitted_at")}
        UNION ALL
        SELECT sum(reception_due), sum(reception_met) FROM {_ROLLUP}
    ) parts
), rated AS (
    -- avg(score) is sum / count in numeric: the same division gives the same float
    SELECT (sum(score_sum)::numeric / nullif(sum(ratings), 0))::float8 AS satisfaction,
        coalesce(sum(ratings), 0)::bigint AS ratings
    FROM (
        {_not_rolled_up(_RATED, "dossier_ratings WHERE agency_code = ANY($1::text[])", "created_at")}
        UNION ALL
        SELECT sum(ratings), sum(score_sum) FROM {_ROLLUP}
    ) parts
), {_OPEN_NOW}
SELECT * FROM received, reception, rated, open
"""

# ---- on-time statistics of one office (GET /api/v1/stats/on-time) ------------------------------

_ON_TIME_LIVE = f"""
        count(*) AS received,
        count(*) FILTER (WHERE resolved_at IS NOT NULL) AS resolved,
        count(*) FILTER (WHERE (resolved_at AT TIME ZONE {_TZ})::date < appointment_date) AS early,
        count(*) FILTER (WHERE (resolved_at AT TIME ZONE {_TZ})::date = appointment_date) AS on_time,
        count(*) FILTER (WHERE (resolved_at AT TIME ZONE {_TZ})::date > appointment_date) AS late,
        count(*) FILTER (WHERE resolved_at IS NULL AND status NOT IN ('withdrawn') AND appointment_date < $4)
            AS pending_overdue"""

# ON_TIME_STATS (api/dossiers/queries.py, the definition) from the rollup: $1 the office, $2/$3 the
# period, $4 today in Vietnam, $5/$6 the bounds of its whole months and $7/$8 their first days (as
# INDICATORS_ROLLED_UP). A rolled-up dossier is closed: returned or rejected ones were resolved (the
# state machine sets resolved_at on approve and reject), withdrawn ones are never pending, so none is
# pending_overdue.
ON_TIME_ROLLED_UP = f"""
SELECT coalesce(sum(received), 0)::bigint AS received, coalesce(sum(resolved), 0)::bigint AS resolved,
    coalesce(sum(early), 0)::bigint AS early, coalesce(sum(on_time), 0)::bigint AS on_time,
    coalesce(sum(late), 0)::bigint AS late, coalesce(sum(pending_overdue), 0)::bigint AS pending_overdue
FROM (
    {_not_rolled_up(_ON_TIME_LIVE, "dossiers WHERE agency_code = $1", "received_at", ("$2", "$5", "$6", "$3"))}
    UNION ALL
    SELECT sum(received), sum(resolved), sum(resolved_early), sum(resolved_on_time) - sum(resolved_early),
        sum(resolved_late), 0
    FROM indicator_months WHERE agency_code = $1 AND month >= $7 AND month < $8
) parts
"""

# ---- the worker's rollup (api/stats/rollup.py) ----------------------------------------------

# one rollup at a time: two would each recompute a month without the other's uncommitted dossiers
ROLL_UP_LOCK = "SELECT pg_try_advisory_xact_lock(hashtext('motcua.indicator_months'))"

# Mark a batch of closed dossiers, office by office, as counted in the rollup; answers the months
# (by reception, and by online submission) whose rollup rows must be recomputed.
MARK_ROLLED_UP = f"""
WITH batch AS (
    SELECT id FROM dossiers
    WHERE NOT rolled_up AND status IN {FINAL}
    ORDER BY agency_code, received_at
    LIMIT $1
    FOR UPDATE SKIP LOCKED
), marked AS (
    UPDATE dossiers d SET rolled_up = true FROM batch WHERE d.id = batch.id
    RETURNING d.agency_code, d.channel, d.received_at, d.submitted_at
)
SELECT agency_code, month, (SELECT count(*) FROM marked) AS marked FROM (
    SELECT agency_code, date_trunc('month', received_at AT TIME ZONE {_TZ})::date AS month
    FROM marked WHERE received_at IS NOT NULL
    UNION
    SELECT agency_code, date_trunc('month', submitted_at AT TIME ZONE {_TZ})::date
    FROM marked WHERE channel = 'online' AND submitted_at IS NOT NULL
) months
"""

# the same for a batch of ratings, by the month they were given
MARK_RATINGS_ROLLED_UP = f"""
WITH batch AS (
    SELECT dossier_id FROM dossier_ratings
    WHERE NOT rolled_up
    ORDER BY agency_code, created_at
    LIMIT $1
    FOR UPDATE SKIP LOCKED
), marked AS (
    UPDATE dossier_ratings r SET rolled_up = true FROM batch WHERE r.dossier_id = batch.dossier_id
    RETURNING r.agency_code, r.created_at
)
SELECT DISTINCT agency_code, date_trunc('month', created_at AT TIME ZONE {_TZ})::date AS month,
    (SELECT count(*) FROM marked) AS marked
FROM marked
"""

_MONTH_OF = (
    "{col} >= (t.month::timestamp AT TIME ZONE " + _TZ + ")"
    " AND {col} < ((t.month + interval '1 month') AT TIME ZONE " + _TZ + ")"
)

# $1 offices, $2 their months, $3 now: each (office, month) recomputed from its rolled-up dossiers
RECOMPUTE_MONTHS = f"""
INSERT INTO indicator_months AS m (agency_code, month, received, resolved, resolved_on_time, resolved_early,
    resolved_late, online, digitized, results, electronic_results, reception_due, reception_met, ratings, score_sum,
    computed_at)
SELECT t.agency_code, t.month, r.*, s.*, g.ratings, coalesce(g.score_sum, 0), $3
FROM unnest($1::text[], $2::date[]) AS t (agency_code, month)
CROSS JOIN LATERAL (
    SELECT {_RECEIVED} FROM dossiers
    WHERE rolled_up AND agency_code = t.agency_code AND {_MONTH_OF.format(col="received_at")}
) r
CROSS JOIN LATERAL (
    SELECT {_reception("$3")} FROM dossiers
    WHERE rolled_up AND channel = 'online' AND agency_code = t.agency_code AND {_MONTH_OF.format(col="submitted_at")}
) s
CROSS JOIN LATERAL (
    SELECT {_RATED} FROM dossier_ratings
    WHERE rolled_up AND agency_code = t.agency_code AND {_MONTH_OF.format(col="created_at")}
) g
ON CONFLICT (agency_code, month) DO UPDATE SET
    received = excluded.received, resolved = excluded.resolved, resolved_on_time = excluded.resolved_on_time,
    resolved_early = excluded.resolved_early, resolved_late = excluded.resolved_late,
    online = excluded.online, digitized = excluded.digitized, results = excluded.results,
    electronic_results = excluded.electronic_results, reception_due = excluded.reception_due,
    reception_met = excluded.reception_met, ratings = excluded.ratings, score_sum = excluded.score_sum,
    computed_at = excluded.computed_at
"""
