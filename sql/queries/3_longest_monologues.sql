-- Longest monologues: who spoke longest without interruption, on which call.
SELECT coalesce(p.name, ts.speaker_id) AS speaker,
       p.affiliation,
       c.title AS call,
       round((max(ts.end_ms) - min(ts.start_ms)) / 1000.0, 1) AS seconds,
       count(*) AS sentences
FROM transcript_sentences ts
JOIN calls c ON c.id = ts.call_id
LEFT JOIN call_parties p ON p.call_id = ts.call_id AND p.speaker_id = ts.speaker_id
GROUP BY ts.call_id, ts.monologue_index, speaker, p.affiliation, c.title
ORDER BY seconds DESC, speaker
LIMIT 10;
