-- Peer matching ("anderen met dezelfde vraag"): the asker's consent to be introduced to others
-- with the same question, and what may be shared once both sides accept (each optional).
ALTER TABLE learning_questions ADD COLUMN peer_consent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE learning_questions ADD COLUMN peer_naam TEXT;
ALTER TABLE learning_questions ADD COLUMN peer_organisatie TEXT;
ALTER TABLE learning_questions ADD COLUMN peer_rol INTEGER NOT NULL DEFAULT 0;
ALTER TABLE learning_questions ADD COLUMN peer_gemeente INTEGER NOT NULL DEFAULT 0;
