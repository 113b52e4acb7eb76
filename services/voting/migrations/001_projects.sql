-- Livelihood projects: nomination, screening, supervision and effect evaluation.
CREATE TABLE projects (
  id bigserial PRIMARY KEY,
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  source text NOT NULL,
  nominator text NOT NULL DEFAULT '',
  department text NOT NULL,
  state text NOT NULL DEFAULT 'PROJECT_STATE_NOMINATED',
  exclusion_reason text NOT NULL DEFAULT 'EXCLUSION_REASON_UNSPECIFIED',
  screening_note text NOT NULL DEFAULT '',
  opinion_feasible boolean NOT NULL DEFAULT false,
  opinion_budget_yuan bigint NOT NULL DEFAULT 0 CHECK (opinion_budget_yuan >= 0),
  opinion_text text NOT NULL DEFAULT '',
  supervision_group text NOT NULL DEFAULT '',
  supervision_members jsonb NOT NULL DEFAULT '[]'::jsonb,
  percent_complete int NOT NULL DEFAULT 0 CHECK (percent_complete BETWEEN 0 AND 100),
  created_by text NOT NULL,
  create_time timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX projects_state ON projects (state, id);

CREATE TABLE progress_reports (
  id bigserial PRIMARY KEY,
  project_id bigint NOT NULL REFERENCES projects (id),
  percent int NOT NULL CHECK (percent BETWEEN 0 AND 100),
  milestone text NOT NULL,
  problems text NOT NULL DEFAULT '',
  photos jsonb NOT NULL DEFAULT '[]'::jsonb,
  posted_by text NOT NULL,
  department text NOT NULL,
  create_time timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX progress_reports_project ON progress_reports (project_id, id);

-- Effect evaluation: one row per invited rater ("deputies/{id}" or "accounts/{id}"), rated once.
CREATE TABLE satisfaction_raters (
  project_id bigint NOT NULL REFERENCES projects (id),
  rater text NOT NULL,
  rating text,
  PRIMARY KEY (project_id, rater)
);
