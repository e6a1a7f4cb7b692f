-- scorecard_answers_labeled: every scorecard answer with its question, scorecard, selected option texts, reviewed and reviewer users, and call.
--
-- Grain: one row per scorecard_answers row (answered_scorecard_id,
-- question_id).
-- The question is looked up in scorecard_questions by question_id within the
-- answered scorecard's scorecard_id (question IDs repeat across scorecards and
-- revisions). When the answered scorecard has no scorecard_id, any scorecard's
-- question with that ID is taken: the one of the same question revision first,
-- then the most recently updated, then the lowest scorecard_id.
-- scorecard_name comes from scorecards, else from the answered scorecard.
-- selected_option_texts follows the order of selected_options; an option that
-- is not in scorecard_question_options gives NULL. is_overall is the answer's
-- flag, else the question's.
CREATE OR REPLACE VIEW scorecard_answers_labeled AS
WITH answer_question AS (
    -- at most one question per answer
    SELECT sa.answered_scorecard_id, sa.question_id,
           q.scorecard_id, q.ordinal, q.question_text, q.question_type, q.is_overall,
           q.min_range, q.max_range
    FROM scorecard_answers AS sa
    LEFT JOIN answered_scorecards AS a ON a.answered_scorecard_id = sa.answered_scorecard_id
    JOIN scorecard_questions AS q
      ON q.question_id = sa.question_id
     AND (a.scorecard_id IS NULL OR q.scorecard_id = a.scorecard_id)
    QUALIFY row_number() OVER (
        PARTITION BY sa.answered_scorecard_id, sa.question_id
        ORDER BY q.question_revision_id IS NOT DISTINCT FROM sa.question_revision_id DESC,
                 q.updated DESC NULLS LAST, q.scorecard_id
    ) = 1
),
selected_option AS (
    -- one row per selected option, numbered in selection order
    SELECT sa.answered_scorecard_id, sa.question_id, sel.option_id, sel.position
    FROM scorecard_answers AS sa,
         unnest(sa.selected_options) WITH ORDINALITY AS sel(option_id, position)
),
selected_text AS (
    SELECT so.answered_scorecard_id, so.question_id,
           list(o.text ORDER BY so.position) AS selected_option_texts
    FROM selected_option AS so
    LEFT JOIN scorecard_question_options AS o
      ON o.question_id = so.question_id AND o.option_id = so.option_id
    GROUP BY so.answered_scorecard_id, so.question_id
),
user_label AS (
    SELECT u.id, u.email_address,
           nullif(trim(concat_ws(' ', u.first_name, u.last_name)), '') AS name
    FROM users AS u
)
SELECT
    sa.answered_scorecard_id,
    a.scorecard_id,
    coalesce(sc.scorecard_name, a.scorecard_name)    AS scorecard_name,
    a.review_method,
    a.review_time,
    a.call_id,
    c.title                                          AS call_title,
    coalesce(c.started, a.call_start_time)           AS call_started,
    a.reviewed_user_id,
    reviewed.name                                    AS reviewed_user_name,
    reviewed.email_address                           AS reviewed_user_email_address,
    a.reviewer_user_id,
    reviewer.name                                    AS reviewer_user_name,
    reviewer.email_address                           AS reviewer_user_email_address,
    sa.question_id,
    sa.question_revision_id,
    aq.ordinal                                       AS question_ordinal,
    aq.question_text,
    aq.question_type,
    coalesce(sa.is_overall, aq.is_overall)           AS is_overall,
    sa.score,
    aq.min_range,
    aq.max_range,
    sa.answer_text,
    sa.not_applicable,
    sa.selected_options,
    CASE WHEN sa.selected_options IS NOT NULL
         THEN coalesce(st.selected_option_texts, []::VARCHAR[]) END AS selected_option_texts
FROM scorecard_answers AS sa
LEFT JOIN answered_scorecards AS a ON a.answered_scorecard_id = sa.answered_scorecard_id
LEFT JOIN scorecards AS sc ON sc.scorecard_id = a.scorecard_id
LEFT JOIN answer_question AS aq
       ON aq.answered_scorecard_id = sa.answered_scorecard_id AND aq.question_id = sa.question_id
LEFT JOIN selected_text AS st
       ON st.answered_scorecard_id = sa.answered_scorecard_id AND st.question_id = sa.question_id
LEFT JOIN calls AS c ON c.id = a.call_id
LEFT JOIN user_label AS reviewed ON reviewed.id = a.reviewed_user_id
LEFT JOIN user_label AS reviewer ON reviewer.id = a.reviewer_user_id
ORDER BY a.review_time, sa.answered_scorecard_id, aq.ordinal, sa.question_id;
