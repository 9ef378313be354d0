-- Whether a learning question's themes were filled in by the matching engine (1) or come from the
-- inventory or a coordinator (0). Only the latter teach the matcher the askers' vocabulary.
ALTER TABLE learning_questions ADD COLUMN themas_automatisch INTEGER NOT NULL DEFAULT 0;
UPDATE learning_questions SET themas_automatisch = 1 WHERE bron <> 'import';
