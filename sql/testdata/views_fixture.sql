-- Fixture for views_test.go: a small account in which every join of the
-- analysis views has something to get wrong.
--
-- Call c1 (host u1 Ann) has five parties: Ann and Bob (Internal), Eve
-- (External) twice with the same speaker_id s3 (web and phone), and a
-- dial-in (Unknown) that never spoke; three speakers; a transcript in which
-- an unknown speaker s9 also talks; topics, trackers, occurrences.
-- Call c2 (host u2 Bob) has no child rows at all.

INSERT INTO users (id, email_address, first_name, last_name, title) VALUES
    ('u1', 'ann@acme.test', 'Ann', 'Lee', 'Account Executive'),
    ('u2', 'bob@acme.test', 'Bob', 'Stone', 'Sales Engineer'),
    ('u3', 'cat@acme.test', 'Cat', 'Wu', 'Sales Manager');

INSERT INTO workspaces (id, name) VALUES ('w1', 'Sales'), ('w2', 'Support');

INSERT INTO calls (id, title, started, duration_s, primary_user_id, workspace_id,
                   call_outcome_name, call_outcome_category,
                   questions_company_count, questions_non_company_count) VALUES
    ('c1', 'Acme discovery', '2025-03-03 10:00:00+00', 1800, 'u1', 'w1', 'Qualified', 'Positive', 4, 2),
    ('c2', 'Beta intro', '2025-03-04 15:00:00+00', 600, 'u2', 'w2', NULL, NULL, 0, 0);

INSERT INTO call_parties (call_id, party_id, name, email_address, title, user_id, speaker_id, affiliation) VALUES
    ('c1', 'p1', 'Ann Lee', 'ann@acme.test', 'AE', 'u1', 's1', 'Internal'),
    ('c1', 'p2', 'Bob S.', NULL, NULL, 'u2', 's2', 'Internal'),
    ('c1', 'p3', 'Eve Buyer', 'eve@beta.test', 'CFO', NULL, 's3', 'External'),
    ('c1', 'p5', 'Eve (phone)', NULL, NULL, NULL, 's3', 'External'),
    ('c1', 'p4', 'Dial-in', NULL, NULL, NULL, NULL, 'Unknown');

-- Ann's speaker row carries no user_id: the host is found through her party.
INSERT INTO call_speakers (call_id, party_id, user_id, talk_time_s) VALUES
    ('c1', 'p1', NULL, 600),
    ('c1', 'p2', 'u2', 150),
    ('c1', 'p3', NULL, 450);

INSERT INTO call_interaction_stats (call_id, name, value) VALUES
    ('c1', 'Talk Ratio', 0.52),
    ('c1', 'Interactivity', 7.5);

INSERT INTO call_topics (call_id, name, duration_s) VALUES
    ('c1', 'Intro', 120),
    ('c1', 'Pricing', 300),
    ('c1', 'Next Steps', 0);

INSERT INTO call_trackers (call_id, tracker_key, tracker_id, name, count, type) VALUES
    ('c1', 't1', 't1', 'Competitors', 2, 'KEYWORD'),
    ('c1', 'Budget', NULL, 'Budget', 1, 'SMART'),
    ('c1', 't3', 't3', 'Pricing', 0, 'KEYWORD');

INSERT INTO call_tracker_occurrences (call_id, tracker_key, ordinal, phrase, start_time_s, speaker_id) VALUES
    ('c1', 't1', 0, NULL, 12.5, 's3'),
    ('c1', 't1', 1, 'rival', 65, 's1'),
    ('c1', 'Budget', 0, NULL, 100.25, 's9');

INSERT INTO trackers (tracker_id, tracker_name, workspace_id) VALUES
    ('t1', 'Competitors', 'w1'),
    ('t3', 'Pricing', 'w1');

INSERT INTO transcript_sentences (call_id, sentence_index, monologue_index, speaker_id, topic, start_ms, end_ms, text) VALUES
    ('c1', 0, 0, 's1', 'Intro', 0, 4000, 'Hi all.'),
    ('c1', 1, 1, 's3', 'Intro', 4500, 9000, 'Hello.'),
    ('c1', 2, 2, 's1', 'Pricing', 10000, 15500, 'Let''s talk price.'),
    ('c1', 3, 3, 's9', NULL, 16000, 17000, 'Who is this?'),
    ('c1', 4, 4, 's2', 'Pricing', 17500, 20000, 'Bob here.');

-- sc0 is an older scorecard that reuses question ID q2 with another text.
INSERT INTO scorecards (scorecard_id, scorecard_name, workspace_id) VALUES
    ('sc0', 'Discovery (2024)', 'w1'),
    ('sc1', 'Discovery', 'w1');

INSERT INTO scorecard_questions (scorecard_id, question_id, question_revision_id, ordinal, question_text,
                                 is_overall, question_type, min_range, max_range) VALUES
    ('sc0', 'q2', 'r-old', 0, 'Next steps? (old)', false, 'SELECT', NULL, NULL),
    ('sc1', 'q1', 'r1', 0, 'Overall', true, 'RANGE', 1, 5),
    ('sc1', 'q2', 'r2', 1, 'Next steps agreed?', false, 'SELECT', NULL, NULL);

INSERT INTO scorecard_question_options (question_id, option_id, scorecard_id, ordinal, text) VALUES
    ('q2', 'o1', 'sc1', 0, 'Yes'),
    ('q2', 'o2', 'sc1', 1, 'No'),
    ('q2', 'o3', 'sc1', 2, 'Partly');

-- as2 answers a scorecard that no longer exists (sc9) on call c2; as3 has no
-- scorecard_id and answers the old revision of q2.
INSERT INTO answered_scorecards (answered_scorecard_id, scorecard_id, scorecard_name, call_id, call_start_time,
                                 reviewed_user_id, reviewer_user_id, review_method, review_time) VALUES
    ('as1', 'sc1', 'Discovery (at review)', 'c1', '2025-03-03 10:00:00+00', 'u1', 'u3', 'MANUAL', '2025-03-05 09:00:00+00'),
    ('as2', 'sc9', 'Legacy card', 'c2', '2025-03-04 15:00:00+00', 'u2', NULL, 'AUTOMATIC', '2025-03-06 12:00:00+00'),
    ('as3', NULL, 'Discovery (2024)', 'c1', '2025-03-03 10:00:00+00', 'u1', 'u3', 'MANUAL', '2025-03-07 08:00:00+00');

INSERT INTO scorecard_answers (answered_scorecard_id, question_id, question_revision_id, is_overall, score,
                               answer_text, not_applicable, selected_options) VALUES
    ('as1', 'q1', 'r1', true, 4, 'Good call', false, NULL),
    ('as1', 'q2', 'r2', false, NULL, NULL, false, ['o3', 'o1']),
    ('as2', 'q7', NULL, NULL, 3, NULL, false, NULL),
    ('as3', 'q2', 'r-old', NULL, NULL, NULL, true, []);

-- u9 is not in users; u2's day has only zero and NULL counts but one.
INSERT INTO user_activity_daily (user_id, day, user_email_address, calls_as_host, calls_attended,
                                 calls_gave_feedback, calls_comments_given) VALUES
    ('u1', '2025-03-03', 'ann@old.test', 1, 2, 0, NULL),
    ('u2', '2025-03-04', 'bob@acme.test', 1, 0, 0, 0),
    ('u9', '2025-03-04', 'gone@acme.test', 0, 1, NULL, NULL);

INSERT INTO user_activity_daily_calls (user_id, day, activity, call_id) VALUES
    ('u1', '2025-03-03', 'calls_as_host', 'c1'),
    ('u1', '2025-03-03', 'calls_attended', 'c2'),
    ('u1', '2025-03-03', 'calls_attended', 'c1'),
    ('u2', '2025-03-04', 'calls_as_host', 'c2');
