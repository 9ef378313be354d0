-- A mail that invites a reply is sent with the coordination point's Reply-To
-- (WIJKWIJZER_MAIL_REPLY_TO); 1 for those mails.
ALTER TABLE outbox ADD COLUMN invites_reply BIGINT NOT NULL DEFAULT 0;
