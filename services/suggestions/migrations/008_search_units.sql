-- The units an item is assigned to, its lead and co-units, in one column (docs/suggestions.md, "Search"):
-- the department filter is then one array test that a GIN index answers, cheaper than reading the item's
-- search words, and combinable with the search indexes. A generated column, so that every write of the
-- lead or co-units (assignment, reassignment, and any later one) keeps it without code of its own; adding
-- it fills the existing rows.
ALTER TABLE suggestions
  ADD COLUMN units text[] GENERATED ALWAYS AS (array_remove(array_prepend(lead_department, co_departments), ''))
  STORED;
CREATE INDEX suggestions_units ON suggestions USING gin (units);
