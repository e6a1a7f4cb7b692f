-- Talk ratio per rep: the host's share of the talk time on the calls they hosted.
WITH per_call AS (
    SELECT c.id, c.primary_user_id,
           sum(sp.talk_time_s) FILTER (WHERE sp.user_id = c.primary_user_id) AS host_s,
           sum(sp.talk_time_s) AS all_s
    FROM calls c
    JOIN call_speakers sp ON sp.call_id = c.id
    GROUP BY c.id, c.primary_user_id
)
SELECT u.first_name || ' ' || u.last_name AS rep,
       count(*) AS calls,
       round(100 * sum(host_s) / sum(all_s), 1) AS talk_pct
FROM per_call
JOIN users u ON u.id = per_call.primary_user_id
GROUP BY rep
ORDER BY calls DESC, rep
LIMIT 10;
