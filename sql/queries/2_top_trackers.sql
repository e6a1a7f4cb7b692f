-- Most mentioned trackers: mentions over all calls, and on how many calls.
SELECT name AS tracker,
       sum(count) AS mentions,
       count(DISTINCT call_id) AS calls
FROM call_trackers
GROUP BY name
ORDER BY mentions DESC, tracker
LIMIT 10;
