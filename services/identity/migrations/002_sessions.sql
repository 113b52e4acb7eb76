-- Accounts can be disabled and made to change their password; a token version per account voids every
-- older token at once (password changed, account disabled, all sessions ended).
ALTER TABLE accounts
  ADD COLUMN disabled boolean NOT NULL DEFAULT false,
  ADD COLUMN password_change_required boolean NOT NULL DEFAULT false,
  ADD COLUMN token_version bigint NOT NULL DEFAULT 0;

-- One deputy, one active account. Before this, an admin could link a second account to a deputy and vote
-- in the deputy's place: every such later account is disabled here (the first one linked is kept), with an
-- audit row each, and the index below makes a second link impossible from now on.
WITH duplicates AS (
  UPDATE accounts a SET disabled = true, token_version = token_version + 1
   WHERE a.deputy <> '' AND EXISTS (SELECT 1 FROM accounts b WHERE b.deputy = a.deputy AND b.id < a.id)
  RETURNING a.id, a.deputy
)
INSERT INTO audit_log (actor, action, resource, detail)
SELECT '', 'DisableDuplicateDeputyAccount', 'accounts/' || id, jsonb_build_object('deputy', deputy)
  FROM duplicates;
CREATE UNIQUE INDEX accounts_one_active_per_deputy ON accounts (deputy) WHERE deputy <> '' AND NOT disabled;

-- What has been revoked, the source of truth that the Redis hash "minyi.revocations" mirrors for every
-- process that checks tokens. A row is needed only until `until`, when every token it voids has expired.
CREATE TABLE token_revocations (
  id          bigserial PRIMARY KEY,
  account_id  bigint NOT NULL REFERENCES accounts (id),
  min_version bigint,       -- set: the account's tokens below this version are void
  token_id    text,         -- set: this one token is void (logout)
  until       timestamptz NOT NULL,
  CHECK ((min_version IS NULL) <> (token_id IS NULL))
);
CREATE INDEX token_revocations_until ON token_revocations (until);
