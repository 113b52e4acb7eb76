-- Duty records (履职档案) and the duty-point rules (履职积分).

-- One row per record with its current content, which every list and tally reads; the history of
-- revisions (the original and each correction) is in duty_record_revisions.
CREATE TABLE duty_records (
  id              bigserial PRIMARY KEY,
  deputy_id       bigint NOT NULL REFERENCES deputies (id),
  occurred_on     date NOT NULL,        -- Asia/Shanghai calendar day
  category        text NOT NULL,        -- DutyCategory enum name
  description     text NOT NULL,
  station_id      bigint REFERENCES stations (id),
  evidence        jsonb NOT NULL DEFAULT '[]',
  source          text NOT NULL,        -- DutySource enum name
  source_event_id uuid,                 -- set when source is DUTY_SOURCE_EVENT
  revision        integer NOT NULL DEFAULT 1,
  create_time     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX duty_records_deputy ON duty_records (deputy_id, id);
CREATE INDEX duty_records_deputy_date ON duty_records (deputy_id, occurred_on);
-- One event never makes two records for the same deputy, even if it were handled twice.
CREATE UNIQUE INDEX duty_records_event ON duty_records (deputy_id, source_event_id)
  WHERE source_event_id IS NOT NULL;

CREATE TABLE duty_record_revisions (
  record_id   bigint NOT NULL REFERENCES duty_records (id),
  revision    integer NOT NULL,
  occurred_on date NOT NULL,
  category    text NOT NULL,
  description text NOT NULL,
  station_id  bigint REFERENCES stations (id),
  evidence    jsonb NOT NULL,
  recorded_by text NOT NULL,
  reason      text NOT NULL DEFAULT '',
  create_time timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (record_id, revision)
);

-- Points per record of a category, with an optional monthly cap (NULL: none).
CREATE TABLE point_rules (
  category    text PRIMARY KEY,
  points      integer NOT NULL CHECK (points BETWEEN 0 AND 1000),
  monthly_cap integer CHECK (monthly_cap > 0)
);
-- When and by whom the table was last replaced ('' while it holds the seeded defaults).
CREATE TABLE point_rules_meta (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  update_time timestamptz NOT NULL DEFAULT now(),
  updated_by  text NOT NULL DEFAULT ''
);
INSERT INTO point_rules_meta DEFAULT VALUES;

INSERT INTO point_rules (category, points, monthly_cap) VALUES
  ('DUTY_CATEGORY_CONGRESS_SESSION', 10, NULL),
  ('DUTY_CATEGORY_DELIBERATION_SPEECH', 3, 9),
  ('DUTY_CATEGORY_MOTION_OR_SUGGESTION', 5, 15),
  ('DUTY_CATEGORY_STANDING_COMMITTEE_OBSERVER', 3, NULL),
  ('DUTY_CATEGORY_INSPECTION_RESEARCH', 3, 9),
  ('DUTY_CATEGORY_TRAINING', 2, 4),
  ('DUTY_CATEGORY_RECEIVING_VOTERS', 2, 8),
  ('DUTY_CATEGORY_STATION_DUTY', 2, 8),
  ('DUTY_CATEGORY_REPORTING_TO_VOTERS', 5, NULL),
  ('DUTY_CATEGORY_LAW_ENFORCEMENT_INSPECTION', 3, 9),
  ('DUTY_CATEGORY_SPECIAL_INQUIRY', 3, 9),
  ('DUTY_CATEGORY_RURAL_REVITALISATION', 2, 6),
  ('DUTY_CATEGORY_COLLECTING_OPINIONS', 1, 5),
  ('DUTY_CATEGORY_MEDIATING_DISPUTES', 2, 6),
  ('DUTY_CATEGORY_EVALUATION', 2, NULL),
  ('DUTY_CATEGORY_BALLOT', 1, NULL),
  ('DUTY_CATEGORY_DEPUTY_GROUP_ACTIVITY', 2, 4),
  ('DUTY_CATEGORY_PUBLIC_SERVICE', 1, 4),
  ('DUTY_CATEGORY_OTHER', 1, 2);
