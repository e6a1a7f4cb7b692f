-- transcript_labeled: every transcript sentence with its speaker's label (party and Gong user), call title and absolute time.
--
-- Grain: one row per transcript_sentences row (call_id, sentence_index).
-- A sentence's speaker is the call party with the same speaker_id on the same
-- call. A speaker that matches no party still appears, with NULL labels. When
-- several parties of a call share a speaker_id, one is taken: a party linked
-- to a Gong user first, then one with a name, then the lowest party_id.
-- speaker is the best display label: the party's name, else the user's name,
-- else the party's email, else the raw speaker_id.
CREATE OR REPLACE VIEW transcript_labeled AS
WITH speaker_party AS (
    -- at most one party per (call, speaker)
    SELECT p.call_id, p.speaker_id, p.party_id, p.name, p.email_address, p.title,
           p.affiliation, p.user_id
    FROM call_parties AS p
    WHERE p.speaker_id IS NOT NULL
    QUALIFY row_number() OVER (
        PARTITION BY p.call_id, p.speaker_id
        ORDER BY p.user_id IS NULL, p.name IS NULL, p.party_id
    ) = 1
),
user_label AS (
    SELECT u.id, u.email_address, u.title,
           nullif(trim(concat_ws(' ', u.first_name, u.last_name)), '') AS name
    FROM users AS u
)
SELECT
    s.call_id,
    c.title                                            AS call_title,
    c.started                                          AS call_started,
    s.sentence_index,
    s.monologue_index,
    s.speaker_id,
    coalesce(sp.name, ul.name, sp.email_address, s.speaker_id) AS speaker,
    sp.party_id,
    sp.name                                            AS party_name,
    sp.email_address                                   AS party_email_address,
    sp.title                                           AS party_title,
    sp.affiliation,
    sp.user_id,
    ul.name                                            AS user_name,
    ul.email_address                                   AS user_email_address,
    ul.title                                           AS user_title,
    s.topic,
    s.start_ms,
    s.end_ms,
    s.end_ms - s.start_ms                              AS duration_ms,
    c.started + to_milliseconds(s.start_ms)            AS sentence_time,
    s.text
FROM transcript_sentences AS s
LEFT JOIN calls AS c ON c.id = s.call_id
LEFT JOIN speaker_party AS sp ON sp.call_id = s.call_id AND sp.speaker_id = s.speaker_id
LEFT JOIN user_label AS ul ON ul.id = sp.user_id
ORDER BY c.started, s.call_id, s.sentence_index;
