-- Peer matching ("anderen met dezelfde vraag"): the asker's consent to be introduced to others
-- with the same question, and what may be shared once both sides accept (each optional).
ALTER TABLE learning_questions ADD COLUMN peer_consent BIGINT NOT NULL DEFAULT 0;
ALTER TABLE learning_questions ADD COLUMN peer_naam TEXT;
ALTER TABLE learning_questions ADD COLUMN peer_organisatie TEXT;
ALTER TABLE learning_questions ADD COLUMN peer_rol BIGINT NOT NULL DEFAULT 0;
ALTER TABLE learning_questions ADD COLUMN peer_gemeente BIGINT NOT NULL DEFAULT 0;
