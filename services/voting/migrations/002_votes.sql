-- Differential votes. docs/voting.md explains why the tables are shaped as they are: nothing stored
-- links a deputy (electorate, voters) to a ballot (sealed_ballots, bulletin).
CREATE TABLE votes (
  id bigserial PRIMARY KEY,
  title text NOT NULL,
  form text NOT NULL,
  slots int NOT NULL CHECK (slots >= 1),
  max_approvals int NOT NULL CHECK (max_approvals >= 1),
  state text NOT NULL DEFAULT 'VOTE_STATE_DRAFT',
  runoff_of bigint REFERENCES votes (id),
  result bytea,                -- serialized minyi.voting.v1.VoteResult, from closing on
  opened_on date,              -- days only: no time finer than the vote
  closed_on date,
  created_by text NOT NULL,
  create_time timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE vote_candidates (
  vote_id bigint NOT NULL REFERENCES votes (id),
  position int NOT NULL,
  project_id bigint NOT NULL REFERENCES projects (id),
  PRIMARY KEY (vote_id, position),
  UNIQUE (vote_id, project_id)
);

-- Who may vote and who checked in (签到). No timestamps.
CREATE TABLE electorate (
  vote_id bigint NOT NULL REFERENCES votes (id),
  deputy text NOT NULL,
  checked_in boolean NOT NULL DEFAULT false,
  PRIMARY KEY (vote_id, deputy)
);

-- Who voted: the primary key is the one-ballot-per-deputy rule. receipt_check is a hash that needs the
-- voter's nonce (never stored) to be matched to anything; it only recognizes the voter's own retry.
CREATE TABLE voters (
  vote_id bigint NOT NULL,
  deputy text NOT NULL,
  receipt_check bytea NOT NULL,
  PRIMARY KEY (vote_id, deputy),
  FOREIGN KEY (vote_id, deputy) REFERENCES electorate (vote_id, deputy)
);

-- The ballot box while a vote is open: each ballot (tracker and content) encrypted under a key the
-- database never holds, keyed by a random UUID, without time. Emptied when the vote closes.
CREATE TABLE sealed_ballots (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  vote_id bigint NOT NULL REFERENCES votes (id),
  box bytea NOT NULL
);
CREATE INDEX sealed_ballots_vote ON sealed_ballots (vote_id);

-- The public bulletin board, written once at closing in tracker order by the closing transaction.
CREATE TABLE bulletin (
  vote_id bigint NOT NULL REFERENCES votes (id),
  tracker text NOT NULL,
  content bytea NOT NULL,      -- serialized minyi.voting.v1.BallotContent
  PRIMARY KEY (vote_id, tracker)
);
