-- Most mentioned trackers: mentions over all calls, and on how many calls they came up.
SELECT name AS tracker,
       sum(count) AS mentions,
       count(DISTINCT call_id) FILTER (WHERE count > 0) AS calls
FROM call_trackers
GROUP BY name
HAVING sum(count) > 0
ORDER BY mentions DESC, tracker
LIMIT 10;
