-- call_facts: one row per call with its host, workspace, participant counts, talk ratio, questions, topics, trackers, outcome and transcript size.
--
-- Grain: one row per calls row. Every child table is aggregated per call in
-- its own CTE and LEFT JOINed on call_id, so a call without parties,
-- speakers, topics, trackers or transcript still has its row (counts 0, lists
-- empty) and no child table multiplies another.
--
-- participants: call_parties (invitees and attendees), split by affiliation;
-- anything other than Internal or External (Unknown, NULL) counts as unknown.
-- host_talk_ratio: the host's share of the call's talk time, from
-- call_speakers: talk_time_s of the speakers who are the host
-- (calls.primary_user_id, matched on call_speakers.user_id, else on the
-- user_id of the speaker's party) over the talk_time_s of all speakers; 0..1,
-- NULL when the call has no talk time.
-- gong_talk_ratio: Gong's own "Talk Ratio" interaction statistic of the call,
-- as sent (a fraction, e.g. 0.49), to compare with host_talk_ratio.
-- topics: names of the topics with time spent, longest first.
-- trackers: names of the trackers mentioned at least once, most mentioned
-- first; tracker_mentions: their total count. sentence_count and
-- transcript_speakers (distinct speaker_id) come from transcript_sentences.
CREATE OR REPLACE VIEW call_facts AS
WITH participants AS (
    SELECT p.call_id,
           count(*)                                              AS participants,
           count(*) FILTER (WHERE p.affiliation = 'Internal')    AS participants_internal,
           count(*) FILTER (WHERE p.affiliation = 'External')    AS participants_external,
           count(*) FILTER (WHERE p.affiliation IS NULL
                               OR p.affiliation NOT IN ('Internal', 'External')) AS participants_unknown
    FROM call_parties AS p
    GROUP BY p.call_id
),
talk AS (
    -- talk time of the host and of everyone, per call
    SELECT sp.call_id,
           sum(sp.talk_time_s) FILTER (
               WHERE coalesce(sp.user_id, p.user_id) = c.primary_user_id) AS host_talk_time_s,
           sum(sp.talk_time_s)                                           AS talk_time_s
    FROM call_speakers AS sp
    JOIN calls AS c ON c.id = sp.call_id
    LEFT JOIN call_parties AS p ON p.call_id = sp.call_id AND p.party_id = sp.party_id
    GROUP BY sp.call_id
),
gong_stats AS (
    SELECT st.call_id,
           max(st.value) FILTER (WHERE st.name = 'Talk Ratio') AS gong_talk_ratio
    FROM call_interaction_stats AS st
    GROUP BY st.call_id
),
topics AS (
    SELECT t.call_id,
           list(t.name ORDER BY t.duration_s DESC, t.name) AS topics
    FROM call_topics AS t
    WHERE t.duration_s > 0
    GROUP BY t.call_id
),
trackers AS (
    SELECT tr.call_id,
           list(coalesce(tr.name, tr.tracker_key) ORDER BY tr.count DESC, coalesce(tr.name, tr.tracker_key))
               AS trackers,
           CAST(sum(tr.count) AS BIGINT) AS tracker_mentions
    FROM call_trackers AS tr
    WHERE tr.count > 0
    GROUP BY tr.call_id
),
transcript AS (
    SELECT s.call_id,
           count(*)                     AS sentence_count,
           count(DISTINCT s.speaker_id) AS transcript_speakers
    FROM transcript_sentences AS s
    GROUP BY s.call_id
)
SELECT
    c.id,
    c.title,
    c.url,
    c.started,
    c.duration_s,
    c.direction,
    c.scope,
    c.system,
    c.media,
    c.language,
    c.primary_user_id                                           AS host_user_id,
    nullif(trim(concat_ws(' ', host.first_name, host.last_name)), '') AS host_name,
    host.email_address                                          AS host_email_address,
    c.workspace_id,
    w.name                                                      AS workspace_name,
    coalesce(pa.participants, 0)                                AS participants,
    coalesce(pa.participants_internal, 0)                       AS participants_internal,
    coalesce(pa.participants_external, 0)                       AS participants_external,
    coalesce(pa.participants_unknown, 0)                        AS participants_unknown,
    coalesce(tk.host_talk_time_s, 0)                            AS host_talk_time_s,
    coalesce(tk.talk_time_s, 0)                                 AS talk_time_s,
    coalesce(tk.host_talk_time_s, 0) / nullif(tk.talk_time_s, 0) AS host_talk_ratio,
    gs.gong_talk_ratio,
    c.questions_company_count,
    c.questions_non_company_count,
    coalesce(tp.topics, []::VARCHAR[])                          AS topics,
    coalesce(tr.trackers, []::VARCHAR[])                        AS trackers,
    coalesce(tr.tracker_mentions, 0)                            AS tracker_mentions,
    c.call_outcome_name,
    c.call_outcome_category,
    coalesce(ts.sentence_count, 0)                              AS sentence_count,
    coalesce(ts.transcript_speakers, 0)                         AS transcript_speakers,
    coalesce(ts.sentence_count, 0) > 0                          AS has_transcript
FROM calls AS c
LEFT JOIN users AS host ON host.id = c.primary_user_id
LEFT JOIN workspaces AS w ON w.id = c.workspace_id
LEFT JOIN participants AS pa ON pa.call_id = c.id
LEFT JOIN talk AS tk ON tk.call_id = c.id
LEFT JOIN gong_stats AS gs ON gs.call_id = c.id
LEFT JOIN topics AS tp ON tp.call_id = c.id
LEFT JOIN trackers AS tr ON tr.call_id = c.id
LEFT JOIN transcript AS ts ON ts.call_id = c.id
ORDER BY c.started, c.id;
