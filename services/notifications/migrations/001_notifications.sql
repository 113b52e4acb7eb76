-- One message per (event, recipient): the in-app inbox, with the text rendered when the event arrived.
CREATE TABLE notifications (
  id           bigserial PRIMARY KEY,
  event_id     uuid NOT NULL,
  account      text NOT NULL,            -- "accounts/{id}"
  category     text NOT NULL,
  event_type   text NOT NULL,
  reference    text NOT NULL,
  title        text NOT NULL,            -- zh-CN
  body         text NOT NULL,
  title_en     text NOT NULL,
  body_en      text NOT NULL,
  urgent       boolean NOT NULL,
  create_time  timestamptz NOT NULL DEFAULT now(),
  read_time    timestamptz,
  UNIQUE (event_id, account)
);
CREATE INDEX notifications_inbox ON notifications (account, id);
CREATE INDEX notifications_unread ON notifications (account) WHERE read_time IS NULL;

-- External deliveries (SMS, webhook) of a message. The unique key makes a redelivered event add nothing.
-- A daily digest is a delivery of its own: no message, its text here, and an event id derived from
-- (account, channel, day), so the key also allows one digest a day.
CREATE TABLE deliveries (
  id               bigserial PRIMARY KEY,
  notification_id  bigint REFERENCES notifications (id),
  title            text NOT NULL DEFAULT '',  -- digests only
  body             text NOT NULL DEFAULT '',
  event_id         uuid NOT NULL,
  account          text NOT NULL,
  channel          text NOT NULL CHECK (channel IN ('CHANNEL_SMS', 'CHANNEL_WEBHOOK')),
  state            text NOT NULL CHECK (state IN ('DELIVERY_STATE_PENDING', 'DELIVERY_STATE_DELIVERED',
                                                  'DELIVERY_STATE_DEAD', 'DELIVERY_STATE_DIGESTED')),
  digest           boolean NOT NULL DEFAULT false,   -- waits for the account's daily digest
  attempts         integer NOT NULL DEFAULT 0,
  last_error       text NOT NULL DEFAULT '',
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  create_time      timestamptz NOT NULL DEFAULT now(),
  update_time      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (event_id, account, channel)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE state = 'DELIVERY_STATE_PENDING' AND NOT digest;
CREATE INDEX deliveries_digest ON deliveries (account) WHERE state = 'DELIVERY_STATE_PENDING' AND digest;
CREATE INDEX deliveries_state ON deliveries (state, id);

-- Per-account choices; an account without a row has the defaults.
CREATE TABLE preferences (
  account       text PRIMARY KEY,
  channels      jsonb NOT NULL,          -- {"CATEGORY_...": ["CHANNEL_SMS", ...]}
  quiet_enabled boolean NOT NULL DEFAULT false,
  quiet_start   text NOT NULL DEFAULT '',  -- "HH:MM" Asia/Shanghai
  quiet_end     text NOT NULL DEFAULT '',
  daily_digest  boolean NOT NULL DEFAULT false,
  update_time   timestamptz NOT NULL DEFAULT now()
);
