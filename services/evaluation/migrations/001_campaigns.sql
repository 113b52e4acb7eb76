-- Evaluation campaigns (评议), their investigation records, on-site score sheets, results and follow-up.
-- Enum columns hold the proto enum names. Scores are integer hundredths of a point (centi-points).

-- The set-up (subjects, stages, rater groups, copy recipients, grade bands) is the campaign's proto JSON
-- and never changes after creation; state and times are columns.
CREATE TABLE campaigns (
  id           bigserial PRIMARY KEY,
  title        text NOT NULL,
  kind         text NOT NULL,
  state        text NOT NULL,
  definition   jsonb NOT NULL,
  created_by   text NOT NULL,
  create_time  timestamptz NOT NULL DEFAULT now(),
  open_time    timestamptz,
  close_time   timestamptz,
  session_date date  -- Asia/Shanghai day of the on-site session (the close)
);

-- One sheet per rater per subject: the constraint, not the application, is what holds under a burst of
-- concurrent (or duplicated) submissions.
CREATE TABLE score_sheets (
  id          bigserial PRIMARY KEY,
  campaign_id bigint NOT NULL REFERENCES campaigns (id),
  subject_no  integer NOT NULL CHECK (subject_no > 0),
  rater       text NOT NULL,     -- "deputies/{id}" or "accounts/{id}"
  group_code  text NOT NULL,
  total_centi bigint NOT NULL CHECK (total_centi BETWEEN 0 AND 10000),
  sheet       jsonb NOT NULL,    -- the ScoreSheet as submitted
  create_time timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT score_sheets_one_per_rater UNIQUE (campaign_id, subject_no, rater)
);
CREATE INDEX score_sheets_rater ON score_sheets (campaign_id, rater);

-- Scores of the stages other than on-site, recorded by staff before the close.
CREATE TABLE stage_scores (
  campaign_id bigint NOT NULL REFERENCES campaigns (id),
  subject_no  integer NOT NULL,
  stage       text NOT NULL,
  score_centi bigint NOT NULL CHECK (score_centi BETWEEN 0 AND 10000),
  basis       text NOT NULL DEFAULT '',
  recorded_by text NOT NULL,
  update_time timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, subject_no, stage)
);

CREATE TABLE investigations (
  id          bigserial PRIMARY KEY,
  campaign_id bigint NOT NULL REFERENCES campaigns (id),
  subject_no  integer NOT NULL,
  methods     jsonb NOT NULL,    -- InvestigationMethod names
  findings    text NOT NULL,
  recorded_by text NOT NULL,
  create_time timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX investigations_campaign ON investigations (campaign_id, subject_no, id);

CREATE TABLE problem_lists (
  id          bigserial PRIMARY KEY,
  campaign_id bigint NOT NULL REFERENCES campaigns (id),
  subject_no  integer NOT NULL,
  problems    jsonb NOT NULL,    -- strings
  issued_by   text NOT NULL,
  create_time timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX problem_lists_campaign ON problem_lists (campaign_id, subject_no, id);

-- The announced result per subject: the breakdown (SubjectResult JSON without the follow-up) is written
-- once, at close.
CREATE TABLE results (
  campaign_id bigint NOT NULL REFERENCES campaigns (id),
  subject_no  integer NOT NULL,
  breakdown   jsonb NOT NULL,
  final_centi bigint,            -- NULL when incomplete
  grade       text NOT NULL,
  PRIMARY KEY (campaign_id, subject_no)
);

-- The follow-up of each subject with a complete result (see follow_up.h).
CREATE TABLE follow_ups (
  campaign_id  bigint NOT NULL REFERENCES campaigns (id),
  subject_no   integer NOT NULL,
  state        text NOT NULL,
  grade        text NOT NULL,     -- the overall grade now (a failed look-back turns it unsatisfied)
  round        integer NOT NULL DEFAULT 1,
  unsatisfied  integer NOT NULL DEFAULT 0,
  opinion_due  date NOT NULL,
  opinion_date date,
  plan_due     date,
  report_due   date,
  opinion      text NOT NULL DEFAULT '',
  update_time  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, subject_no)
);
CREATE INDEX follow_ups_pending ON follow_ups (state, plan_due, report_due)
  WHERE state IN ('FOLLOW_UP_STATE_AWAITING_PLAN', 'FOLLOW_UP_STATE_AWAITING_REPORT');

-- Rectification plans and reports as filed, and look-back scores, per round.
CREATE TABLE follow_up_filings (
  id          bigserial PRIMARY KEY,
  campaign_id bigint NOT NULL REFERENCES campaigns (id),
  subject_no  integer NOT NULL,
  round       integer NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('plan', 'report', 'look_back')),
  content     text NOT NULL,
  score_centi bigint,
  filed_by    text NOT NULL,
  create_time timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX follow_up_filings_subject ON follow_up_filings (campaign_id, subject_no, id);

-- A deadline notice is claimed by inserting its row in the transaction that emits its event: each
-- (round, step, kind) is announced once, however many sweepers run.
CREATE TABLE deadline_notices (
  campaign_id bigint NOT NULL,
  subject_no  integer NOT NULL,
  round       integer NOT NULL,
  step        text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('due_soon', 'overdue')),
  create_time timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, subject_no, round, step, kind),
  FOREIGN KEY (campaign_id, subject_no) REFERENCES follow_ups (campaign_id, subject_no)
);
