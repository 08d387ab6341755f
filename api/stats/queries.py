"""All SQL of the indicators: one statement over the real tables, each part on its own index."""

from api.dossiers.queries import overdue_sql

INDICATORS = f"""
WITH received AS (
    SELECT
        count(*) AS received,
        count(*) FILTER (WHERE resolved_at IS NOT NULL) AS resolved,
        count(*) FILTER (
            WHERE (resolved_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date <= appointment_date) AS resolved_on_time,
        count(*) FILTER (WHERE channel = 'online') AS online,
        count(*) FILTER (WHERE digitized) AS digitized,
        count(*) FILTER (WHERE status IN ('result_ready', 'returned')) AS results,
        count(*) FILTER (WHERE status IN ('result_ready', 'returned') AND result_document IS NOT NULL)
            AS electronic_results
    FROM dossiers
    WHERE agency_code = ANY($1::text[]) AND received_at >= $2 AND received_at < $3
), reception AS (
    SELECT
        count(*) FILTER (WHERE reception_answered_at IS NOT NULL
                         OR (status = 'submitted' AND reception_due_at < $4)) AS reception_due,
        count(*) FILTER (WHERE reception_answered_at <= reception_due_at) AS reception_met
    FROM dossiers
    WHERE agency_code = ANY($1::text[]) AND channel = 'online' AND submitted_at >= $2 AND submitted_at < $3
), rated AS (
    SELECT avg(score)::float8 AS satisfaction, count(*) AS ratings
    FROM dossier_ratings
    WHERE agency_code = ANY($1::text[]) AND created_at >= $2 AND created_at < $3
), open AS (
    SELECT count(*) AS overdue_now
    FROM dossiers d
    WHERE d.agency_code = ANY($1::text[])
        AND d.status IN ('submitted', 'received', 'supplement_requested', 'awaiting_payment', 'processing')
        AND ({overdue_sql("reception", "$4", "$5")} OR {overdue_sql("processing", "$4", "$5")})
)
SELECT * FROM received, reception, rated, open
"""
