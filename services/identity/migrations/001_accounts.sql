-- Accounts that can sign in. Only the Argon2id hash of a password is stored.
CREATE TABLE accounts (
  id            bigserial PRIMARY KEY,
  username      text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9_.-]{3,64}$'),
  display_name  text NOT NULL,
  role          text NOT NULL CHECK (role IN ('ROLE_ADMIN', 'ROLE_STAFF', 'ROLE_LEADER', 'ROLE_DEPUTY',
                                              'ROLE_DEPARTMENT', 'ROLE_CITIZEN')),
  deputy        text NOT NULL DEFAULT '',
  department    text NOT NULL DEFAULT '',
  password_hash text NOT NULL,
  create_time   timestamptz NOT NULL DEFAULT now()
);
