-- A contact message answered by mail from the back office: the text sent, by whom and when.
ALTER TABLE contact_messages ADD COLUMN reply_text TEXT;
ALTER TABLE contact_messages ADD COLUMN replied_by TEXT;
ALTER TABLE contact_messages ADD COLUMN replied_at TEXT;
