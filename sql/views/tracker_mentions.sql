-- tracker_mentions: one row per tracker occurrence in a call, with the tracker, the phrase, when it was said and by whom.
--
-- Grain: one row per call_tracker_occurrences row (call_id, tracker_key,
-- ordinal).
-- The tracker is the call's call_trackers row with the same tracker_key; its
-- settings (trackers) are joined on tracker_id where Gong sent one. The
-- speaker is the call party with the occurrence's speaker_id (one party per
-- speaker, chosen as in transcript_labeled); an occurrence whose speaker
-- matches no party keeps NULL labels. mention_time is the call's start plus
-- start_time_s.
CREATE OR REPLACE VIEW tracker_mentions AS
WITH speaker_party AS (
    -- at most one party per (call, speaker)
    SELECT p.call_id, p.speaker_id, p.party_id, p.name, p.affiliation, p.user_id
    FROM call_parties AS p
    WHERE p.speaker_id IS NOT NULL
    QUALIFY row_number() OVER (
        PARTITION BY p.call_id, p.speaker_id
        ORDER BY p.user_id IS NULL, p.name IS NULL, p.party_id
    ) = 1
)
SELECT
    o.call_id,
    c.title                                                AS call_title,
    c.started                                              AS call_started,
    o.tracker_key,
    ct.tracker_id,
    coalesce(ct.name, t.tracker_name, o.tracker_key)       AS tracker_name,
    ct.type                                                AS tracker_type,
    t.tracker_id                                           AS settings_tracker_id,
    t.workspace_id                                         AS tracker_workspace_id,
    o.ordinal,
    o.phrase,
    o.start_time_s,
    c.started + to_microseconds(CAST(round(o.start_time_s * 1000000) AS BIGINT)) AS mention_time,
    o.speaker_id,
    sp.party_id                                            AS speaker_party_id,
    sp.name                                                AS speaker_name,
    sp.affiliation                                         AS speaker_affiliation,
    sp.user_id                                             AS speaker_user_id
FROM call_tracker_occurrences AS o
LEFT JOIN calls AS c ON c.id = o.call_id
LEFT JOIN call_trackers AS ct ON ct.call_id = o.call_id AND ct.tracker_key = o.tracker_key
LEFT JOIN trackers AS t ON t.tracker_id = ct.tracker_id
LEFT JOIN speaker_party AS sp ON sp.call_id = o.call_id AND sp.speaker_id = o.speaker_id
ORDER BY c.started, o.call_id, o.start_time_s, o.tracker_key, o.ordinal;
