-- Failed or pending login attempts per account (and per account's code step), counted in the
-- database so that the limit holds across instances. Times are Unix milliseconds.
CREATE TABLE login_attempts (
    account TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_attempts_account ON login_attempts (account, at);
