-- The deadline sweeper also looks for written opinions (书面评议意见) that are due soon or overdue.
CREATE INDEX follow_ups_awaiting_opinion ON follow_ups (opinion_due)
  WHERE state = 'FOLLOW_UP_STATE_AWAITING_OPINION';
