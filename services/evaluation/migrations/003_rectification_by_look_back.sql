-- The rectification stage's score (整改落实阶段得分) is the look-back's (回头看), filed in
-- follow_up_filings; staff no longer type it in as a stage score. Rows recorded before this rule stay
-- as the history of campaigns closed with them (NOT VALID skips them); no new one can be written.
ALTER TABLE stage_scores ADD CONSTRAINT stage_scores_not_rectification
  CHECK (stage <> 'STAGE_RECTIFICATION') NOT VALID;
