-- Supervision groups (代表联系监督组): deputies who follow a livelihood project or a department. The target
-- is fixed at creation; members can change, in the order staff list them.
CREATE TABLE supervision_groups (
  id              bigserial PRIMARY KEY,
  display_name    text NOT NULL,
  target_kind     text NOT NULL,
  target_name     text NOT NULL,
  target_keywords jsonb NOT NULL DEFAULT '[]',  -- a JSON array of strings, in the order given
  create_time     timestamptz NOT NULL DEFAULT now(),
  created_by      text NOT NULL,
  update_time     timestamptz NOT NULL DEFAULT now(),
  updated_by      text NOT NULL
);
CREATE INDEX supervision_groups_target_kind ON supervision_groups (target_kind, id);

CREATE TABLE supervision_group_members (
  group_id  bigint NOT NULL REFERENCES supervision_groups (id),
  deputy_id bigint NOT NULL REFERENCES deputies (id),
  position  integer NOT NULL,
  PRIMARY KEY (group_id, deputy_id)
);
-- "Which groups am I in" for a deputy.
CREATE INDEX supervision_group_members_deputy ON supervision_group_members (deputy_id, group_id);
