-- The point rules and the checklist definition carry a revision (their etag) in settings_revisions (common
-- migration 4); a table replaced since the seeded defaults starts at revision 1.
INSERT INTO settings_revisions (setting, revision, update_time, updated_by)
  SELECT 'pointRules', 1, update_time, updated_by FROM point_rules_meta WHERE updated_by <> '';
INSERT INTO settings_revisions (setting, revision, update_time, updated_by)
  SELECT 'checklistDefinition', 1, update_time, updated_by FROM checklist_meta WHERE updated_by <> '';
DROP TABLE point_rules_meta;
DROP TABLE checklist_meta;
