-- The routing rules carry a revision (their etag) in settings_revisions (common migration 4), as each
-- year's holiday calendar now does; rules replaced since the migrations start at revision 1.
INSERT INTO settings_revisions (setting, revision, update_time, updated_by)
  SELECT 'routingRules', 1, update_time, updated_by FROM routing_rules_meta WHERE updated_by <> '';
DROP TABLE routing_rules_meta;
