-- Suggestions (代表建议) and citizens' opinions (群众意见). Enum columns hold the proto enum value names,
-- so the data reads without the .proto at hand. Dates are Asia/Shanghai calendar days.
CREATE TABLE suggestions (
  id               bigserial PRIMARY KEY,
  kind             text NOT NULL,
  title            text NOT NULL,
  body             text NOT NULL,
  state            text NOT NULL,
  delegation       text NOT NULL DEFAULT '',
  citizen_account  text NOT NULL DEFAULT '',
  station_id       bigint,
  level            text NOT NULL DEFAULT 'OPINION_LEVEL_UNSPECIFIED',
  contact_phone    text NOT NULL DEFAULT '',   -- personal data: masked except to office staff
  entered_by       text NOT NULL DEFAULT '',   -- deputies/{id} on duty who entered a citizen's opinion
  lead_department  text NOT NULL DEFAULT '',
  co_departments   text[] NOT NULL DEFAULT '{}',
  assigned_on      date,
  deadline         date,
  round            integer NOT NULL DEFAULT 1 CHECK (round >= 1),
  key_supervision  boolean NOT NULL DEFAULT false,
  merged_into      bigint REFERENCES suggestions (id),
  linked_into      bigint REFERENCES suggestions (id),
  reject_reason    text NOT NULL DEFAULT '',
  showcased        boolean NOT NULL DEFAULT false,
  created_by       text NOT NULL,
  create_time      timestamptz NOT NULL DEFAULT now(),
  update_time      timestamptz NOT NULL DEFAULT now(),
  submit_time      timestamptz,
  submitted_on     date                        -- Asia/Shanghai day of submission, for statistics
);
CREATE INDEX suggestions_state ON suggestions (state, id);
CREATE INDEX suggestions_citizen ON suggestions (citizen_account, id) WHERE citizen_account <> '';
CREATE INDEX suggestions_lead ON suggestions (lead_department, id) WHERE lead_department <> '';
CREATE INDEX suggestions_co ON suggestions USING gin (co_departments);
CREATE INDEX suggestions_due ON suggestions (deadline)
  WHERE state IN ('SUGGESTION_STATE_ASSIGNED', 'SUGGESTION_STATE_IN_PROGRESS', 'SUGGESTION_STATE_REOPENED');
CREATE INDEX suggestions_showcase ON suggestions (id) WHERE showcased;
CREATE INDEX suggestions_linked ON suggestions (linked_into) WHERE linked_into IS NOT NULL;
CREATE INDEX suggestions_merged ON suggestions (merged_into) WHERE merged_into IS NOT NULL;

-- Submitters, the lead submitter at position 0. Merging adds the merged item's submitters.
CREATE TABLE suggestion_deputies (
  suggestion_id bigint NOT NULL REFERENCES suggestions (id),
  deputy_id     bigint NOT NULL,
  position      integer NOT NULL,
  PRIMARY KEY (suggestion_id, deputy_id)
);
CREATE INDEX suggestion_deputies_deputy ON suggestion_deputies (deputy_id, suggestion_id);

-- Every transition: who, when, why (the timeline).
CREATE TABLE transitions (
  id            bigserial PRIMARY KEY,
  suggestion_id bigint NOT NULL REFERENCES suggestions (id),
  action        text NOT NULL,
  from_state    text NOT NULL,
  to_state      text NOT NULL,
  actor         text NOT NULL,
  actor_role    text NOT NULL,
  reason        text NOT NULL DEFAULT '',
  detail        text NOT NULL DEFAULT '',
  at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX transitions_suggestion ON transitions (suggestion_id, id);

-- MinHash/LSH band keys of each submitted item's text (see dedup.h): items sharing a key are candidates.
CREATE TABLE dedup_bands (
  band_key      bigint NOT NULL,
  suggestion_id bigint NOT NULL REFERENCES suggestions (id),
  PRIMARY KEY (band_key, suggestion_id)
);

CREATE TABLE contacts (
  id            bigserial PRIMARY KEY,
  suggestion_id bigint NOT NULL REFERENCES suggestions (id),
  round         integer NOT NULL,
  department    text NOT NULL,
  method        text NOT NULL,
  summary       text NOT NULL,
  contact_date  date NOT NULL,
  recorded_by   text NOT NULL,
  create_time   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contacts_suggestion ON contacts (suggestion_id, id);

CREATE TABLE co_unit_opinions (
  suggestion_id bigint NOT NULL REFERENCES suggestions (id),
  round         integer NOT NULL,
  department    text NOT NULL,
  text          text NOT NULL,
  created_by    text NOT NULL,
  create_time   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (suggestion_id, round, department)
);

-- One answer per round; the latest is the suggestion's answer.
CREATE TABLE answers (
  suggestion_id bigint NOT NULL REFERENCES suggestions (id),
  round         integer NOT NULL,
  category      text NOT NULL,
  text          text NOT NULL,
  department    text NOT NULL,
  on_time       boolean NOT NULL,
  answered_on   date NOT NULL,
  answered_by   text NOT NULL,
  answer_time   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (suggestion_id, round)
);

-- The commitment ledger (承诺事项台账) of B answers, with look-back checks (回头看).
CREATE TABLE commitments (
  id            bigserial PRIMARY KEY,
  suggestion_id bigint NOT NULL REFERENCES suggestions (id),
  round         integer NOT NULL,
  department    text NOT NULL,
  text          text NOT NULL,
  due_date      date NOT NULL,
  fulfilled     boolean NOT NULL DEFAULT false,
  last_checked_on date
);
CREATE INDEX commitments_open ON commitments (due_date, id) WHERE NOT fulfilled;
CREATE INDEX commitments_department ON commitments (department, id);
CREATE TABLE commitment_checks (
  id            bigserial PRIMARY KEY,
  commitment_id bigint NOT NULL REFERENCES commitments (id),
  checked_on    date NOT NULL,
  note          text NOT NULL,
  fulfilled     boolean NOT NULL,
  checked_by    text NOT NULL
);
CREATE INDEX commitment_checks_commitment ON commitment_checks (commitment_id, id);

-- Double satisfaction (双满意): one rating per round.
CREATE TABLE ratings (
  suggestion_id bigint NOT NULL REFERENCES suggestions (id),
  round         integer NOT NULL,
  attitude      text NOT NULL,
  result        text NOT NULL,
  comment       text NOT NULL DEFAULT '',
  rated_by      text NOT NULL,
  rate_time     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (suggestion_id, round)
);

CREATE TABLE extension_requests (
  id              bigserial PRIMARY KEY,
  suggestion_id   bigint NOT NULL REFERENCES suggestions (id),
  months          integer NOT NULL,
  reason          text NOT NULL,
  status          text NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED')),
  decision_reason text NOT NULL DEFAULT '',
  requested_by    text NOT NULL,
  decided_by      text NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX extension_requests_pending ON extension_requests (suggestion_id) WHERE status = 'PENDING';

-- Alerts the deadline sweeper has emitted: one row per (item, round, deadline, threshold), so each
-- threshold is reported exactly once, and a new deadline (extension, re-handling) gets its own alerts.
CREATE TABLE deadline_alerts (
  suggestion_id bigint NOT NULL REFERENCES suggestions (id),
  round         integer NOT NULL,
  deadline      date NOT NULL,
  threshold     integer NOT NULL,   -- days before the deadline; -1 overdue
  emitted_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (suggestion_id, round, deadline, threshold)
);

-- Routing help: keyword rules in order (earlier rules win ties).
CREATE TABLE routing_rules (
  position   integer PRIMARY KEY,
  keywords   jsonb NOT NULL,
  department text NOT NULL
);
CREATE TABLE routing_rules_meta (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  update_time timestamptz NOT NULL DEFAULT now(),
  updated_by  text NOT NULL DEFAULT ''
);
INSERT INTO routing_rules_meta (singleton) VALUES (true);

-- The yearly special fund (代表建议办理专项资金). The balance can never go negative: the CHECK holds it
-- even against a statement that forgot to.
CREATE TABLE funds (
  year          integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
  total_fen     bigint NOT NULL CHECK (total_fen >= 0),
  remaining_fen bigint NOT NULL CHECK (remaining_fen >= 0 AND remaining_fen <= total_fen),
  created_by    text NOT NULL
);
CREATE TABLE fund_allocations (
  id            bigserial PRIMARY KEY,
  year          integer NOT NULL REFERENCES funds (year),
  suggestion_id bigint NOT NULL REFERENCES suggestions (id),
  amount_fen    bigint NOT NULL CHECK (amount_fen > 0),
  note          text NOT NULL DEFAULT '',
  allocated_by  text NOT NULL,
  create_time   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fund_allocations_suggestion ON fund_allocations (suggestion_id);

-- Public holidays (working = false) and make-up working days (调休, working = true).
CREATE TABLE calendar_days (
  day     date PRIMARY KEY,
  working boolean NOT NULL,
  note    text NOT NULL DEFAULT ''
);
-- The State Council's 2025 schedule (国办发明电〔2024〕12号), so working-day rules work out of the box.
INSERT INTO calendar_days (day, working, note) VALUES
  ('2025-01-01', false, '元旦'),
  ('2025-01-26', true, '春节调休'), ('2025-01-28', false, '春节'), ('2025-01-29', false, '春节'),
  ('2025-01-30', false, '春节'), ('2025-01-31', false, '春节'), ('2025-02-01', false, '春节'),
  ('2025-02-02', false, '春节'), ('2025-02-03', false, '春节'), ('2025-02-04', false, '春节'),
  ('2025-02-08', true, '春节调休'),
  ('2025-04-04', false, '清明节'), ('2025-04-05', false, '清明节'), ('2025-04-06', false, '清明节'),
  ('2025-04-27', true, '劳动节调休'), ('2025-05-01', false, '劳动节'), ('2025-05-02', false, '劳动节'),
  ('2025-05-03', false, '劳动节'), ('2025-05-04', false, '劳动节'), ('2025-05-05', false, '劳动节'),
  ('2025-05-31', false, '端午节'), ('2025-06-01', false, '端午节'), ('2025-06-02', false, '端午节'),
  ('2025-09-28', true, '国庆节调休'), ('2025-10-01', false, '国庆节、中秋节'), ('2025-10-02', false, '国庆节、中秋节'),
  ('2025-10-03', false, '国庆节、中秋节'), ('2025-10-04', false, '国庆节、中秋节'), ('2025-10-05', false, '国庆节、中秋节'),
  ('2025-10-06', false, '国庆节、中秋节'), ('2025-10-07', false, '国庆节、中秋节'), ('2025-10-08', false, '国庆节、中秋节'),
  ('2025-10-11', true, '国庆节调休');
