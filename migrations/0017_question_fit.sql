-- The engine's three-way answer for a matched learning question (passend, mogelijk, geen) and its
-- probability (kans); questions matched before keep their passend as passend or geen.
ALTER TABLE learning_questions ADD COLUMN fit TEXT;
ALTER TABLE learning_questions ADD COLUMN kans REAL;
UPDATE learning_questions SET fit = CASE WHEN passend = 1 THEN 'passend' ELSE 'geen' END
    WHERE passend IS NOT NULL;
