-- The nine-haves standard (九有) for liaison stations: a configurable list of named items, and each
-- station's assessment against it.

-- The definition, in display order. Items are identified by their name, so a station's assessment
-- follows an item through a reordering of the list.
CREATE TABLE checklist_items (
  item     text PRIMARY KEY,
  position integer NOT NULL
);
-- When and by whom the definition was last replaced ('' while it holds the seeded items).
CREATE TABLE checklist_meta (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  update_time timestamptz NOT NULL DEFAULT now(),
  updated_by  text NOT NULL DEFAULT ''
);
INSERT INTO checklist_meta DEFAULT VALUES;
INSERT INTO checklist_items (item, position) VALUES
  ('有场所', 1), ('有牌子', 2), ('有制度', 3), ('有人员', 4), ('有经费', 5),
  ('有活动', 6), ('有台账', 7), ('有计划', 8), ('有成效', 9);

-- The latest assessment of each item per station; earlier ones are in the audit trail. Rows for items
-- no longer defined stay, ignored, so restoring an item restores its assessments.
CREATE TABLE station_checklist (
  station_id  bigint NOT NULL REFERENCES stations (id),
  item        text NOT NULL,
  met         boolean NOT NULL,
  evidence    jsonb NOT NULL DEFAULT '[]',
  assessed_by text NOT NULL,
  assess_time timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (station_id, item)
);
