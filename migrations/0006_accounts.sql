-- Accounts and API tokens for `opus serve` (issue 9).
--
-- An account (owner of kind 'user') can be disabled: it cannot log in and
-- its tokens stop working. NULL for enabled owners and every profile.
ALTER TABLE owners ADD COLUMN disabled_at TEXT;

-- A token is shown once; the database keeps only its SHA-256 (token_hash).
-- id is a short random public name for listing and revoking it (it says
-- nothing about the token), name a label chosen by whoever made it, and
-- revoked_at when it was revoked (a revoked token never authenticates).
ALTER TABLE api_tokens ADD COLUMN id TEXT;
ALTER TABLE api_tokens ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT;
-- No release wrote tokens before this migration; should a row exist, it
-- gets an id from its hash (which the hash's preimage, the token, cannot
-- be recovered from).
UPDATE api_tokens SET id = substr(token_hash, 1, 12) WHERE id IS NULL;
CREATE UNIQUE INDEX api_tokens_id ON api_tokens (id);
