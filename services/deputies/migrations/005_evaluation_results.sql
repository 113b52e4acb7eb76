-- A deputy's evaluation (述职评议) result per year, one of the two bases of the excellent-deputy
-- shortlist. Recorded by staff for now; the evaluation service's events will feed it.
CREATE TABLE evaluation_results (
  deputy_id   bigint NOT NULL REFERENCES deputies (id),
  year        integer NOT NULL,
  score       integer NOT NULL CHECK (score BETWEEN 0 AND 100),
  recorded_by text NOT NULL,
  record_time timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (deputy_id, year)
);
CREATE INDEX evaluation_results_year ON evaluation_results (year);
