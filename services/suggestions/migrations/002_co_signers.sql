-- Co-signers of a joint suggestion (联名): named by its author, each answers with their own account. Only
-- confirmed ones are submitters (they are copied into suggestion_deputies, at their position here); the
-- others are dropped when the suggestion is submitted.
CREATE TABLE co_signers (
  suggestion_id bigint NOT NULL REFERENCES suggestions (id),
  deputy_id     bigint NOT NULL,
  position      integer NOT NULL CHECK (position >= 1),  -- as the author listed them; the lead submitter is 0
  state         text NOT NULL
                CHECK (state IN ('CO_SIGNER_STATE_INVITED', 'CO_SIGNER_STATE_CONFIRMED', 'CO_SIGNER_STATE_DECLINED')),
  update_time   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (suggestion_id, deputy_id)
);
CREATE INDEX co_signers_deputy ON co_signers (deputy_id, suggestion_id);

-- Joint drafts written before co-signers confirmed: whoever their author named is invited, not yet a
-- submitter. Submitted items keep their submitters (their duty records are booked already).
INSERT INTO co_signers (suggestion_id, deputy_id, position, state)
SELECT d.suggestion_id, d.deputy_id, d.position, 'CO_SIGNER_STATE_INVITED'
FROM suggestion_deputies d JOIN suggestions s ON s.id = d.suggestion_id
WHERE s.kind = 'SUGGESTION_KIND_JOINT' AND s.state = 'SUGGESTION_STATE_DRAFT' AND d.position > 0;
DELETE FROM suggestion_deputies d USING suggestions s
WHERE s.id = d.suggestion_id AND s.kind = 'SUGGESTION_KIND_JOINT' AND s.state = 'SUGGESTION_STATE_DRAFT'
  AND d.position > 0;
