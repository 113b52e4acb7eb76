-- Titles have LSH bands of their own besides the whole text's (see dedup.h). Items indexed before this
-- migration have only the whole text's; their title bands cannot be computed in SQL, so they wait here
-- and the service's dedup-reindex task adds them a batch at a time (whole-text keys are unchanged).
CREATE TABLE dedup_reindex (
  suggestion_id bigint PRIMARY KEY REFERENCES suggestions (id)
);
INSERT INTO dedup_reindex (suggestion_id) SELECT DISTINCT suggestion_id FROM dedup_bands;
