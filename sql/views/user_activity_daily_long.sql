-- user_activity_daily_long: user_activity_daily unpivoted to one row per user, day and activity with a count above 0, the user's name and the calls behind the count.
--
-- Grain: one row per (user_id, day, activity) whose count is above 0 (NULL and
-- 0 counts are dropped). activity is the counter's column name in
-- user_activity_daily (calls_as_host, calls_attended, …), the same name
-- user_activity_daily_calls.activity holds; call_ids lists those calls.
CREATE OR REPLACE VIEW user_activity_daily_long AS
WITH daily AS (
    SELECT d.user_id, d.day, d.user_email_address,
           d.calls_as_host, d.calls_gave_feedback, d.calls_requested_feedback,
           d.calls_received_feedback, d.own_calls_listened_to, d.others_calls_listened_to,
           d.calls_shared_internally, d.calls_shared_externally, d.calls_scorecards_filled,
           d.calls_scorecards_received, d.calls_attended, d.calls_comments_given,
           d.calls_comments_received, d.calls_marked_as_feedback_given,
           d.calls_marked_as_feedback_received
    FROM user_activity_daily AS d
),
activity AS (
    UNPIVOT daily
    ON calls_as_host, calls_gave_feedback, calls_requested_feedback,
       calls_received_feedback, own_calls_listened_to, others_calls_listened_to,
       calls_shared_internally, calls_shared_externally, calls_scorecards_filled,
       calls_scorecards_received, calls_attended, calls_comments_given,
       calls_comments_received, calls_marked_as_feedback_given,
       calls_marked_as_feedback_received
    INTO NAME activity VALUE count
),
activity_calls AS (
    SELECT dc.user_id, dc.day, dc.activity, list(dc.call_id ORDER BY dc.call_id) AS call_ids
    FROM user_activity_daily_calls AS dc
    GROUP BY dc.user_id, dc.day, dc.activity
)
SELECT
    a.user_id,
    nullif(trim(concat_ws(' ', u.first_name, u.last_name)), '') AS user_name,
    coalesce(u.email_address, a.user_email_address)             AS user_email_address,
    a.day,
    a.activity,
    a.count,
    coalesce(ac.call_ids, []::VARCHAR[])                       AS call_ids
FROM activity AS a
LEFT JOIN users AS u ON u.id = a.user_id
LEFT JOIN activity_calls AS ac
       ON ac.user_id = a.user_id AND ac.day = a.day AND ac.activity = a.activity
WHERE a.count > 0
ORDER BY a.user_id, a.day, a.activity;
