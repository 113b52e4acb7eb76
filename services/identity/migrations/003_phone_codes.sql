-- Citizens register themselves with a mobile number, verified by a one-time code: one account per number.
ALTER TABLE accounts ADD COLUMN phone text NOT NULL DEFAULT '' CHECK (phone = '' OR phone ~ '^1[3-9][0-9]{9}$');
CREATE UNIQUE INDEX accounts_one_per_phone ON accounts (phone) WHERE phone <> '';
-- A citizen may close their account: its personal data is erased and it never signs in again.
ALTER TABLE accounts ADD COLUMN closed boolean NOT NULL DEFAULT false;

-- The code last sent to a number for a purpose. Neither the number nor the code is here: phone_key and
-- code_hash are HMACs under a key outside the database (docs/security.md). Rows are deleted a day after
-- they expire.
CREATE TABLE phone_codes (
  phone_key       text NOT NULL,
  purpose         text NOT NULL CHECK (purpose IN ('CODE_PURPOSE_REGISTER', 'CODE_PURPOSE_SIGN_IN')),
  code_hash       text NOT NULL,
  expire_time     timestamptz NOT NULL,
  failed_attempts integer NOT NULL DEFAULT 0,
  used            boolean NOT NULL DEFAULT false,
  PRIMARY KEY (phone_key, purpose)
);
CREATE INDEX phone_codes_expire_time ON phone_codes (expire_time);
