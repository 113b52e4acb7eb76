-- Full-text search (docs/suggestions.md, "Search"): the words of the title, and of title and body, as
-- the service cuts them (unigrams and bigrams of ideographs, whole Latin and digit words; search.h).
-- PostgreSQL cannot cut Chinese, so existing rows are filled by the service after this migration, in
-- batches (IndexUnindexed); NULL marks an item still waiting.
ALTER TABLE suggestions ADD COLUMN search_title tsvector, ADD COLUMN search_text tsvector;
CREATE INDEX suggestions_search_title ON suggestions USING gin (search_title);
CREATE INDEX suggestions_search_text ON suggestions USING gin (search_text);
CREATE INDEX suggestions_unindexed ON suggestions (id) WHERE search_text IS NULL;
