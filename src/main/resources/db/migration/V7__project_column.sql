-- The project a key belongs to (the key up to its first '/', or the key itself), so that a part of a full reconcile
-- (issue 18) lists the base records and listing marks of its projects through an index: an equality, whatever the
-- database's collation, where the OR'd LIKE prefixes scanned every row of the kind for every part (quadratic in the
-- number of projects). Rows written by an earlier version during a rolling upgrade have none (NULL) and are still
-- found by their key prefix. The project comes first in the index: H2 looks up an IN list through an index only on
-- its first column.
ALTER TABLE base_record ADD COLUMN project VARCHAR(1024);
UPDATE base_record SET project = CASE WHEN POSITION('/' IN item_key) > 0
    THEN SUBSTRING(item_key FROM 1 FOR POSITION('/' IN item_key) - 1) ELSE item_key END;
CREATE INDEX base_record_project ON base_record (project, kind);

ALTER TABLE listing_mark ADD COLUMN project VARCHAR(1024);
UPDATE listing_mark SET project = CASE WHEN POSITION('/' IN item_key) > 0
    THEN SUBSTRING(item_key FROM 1 FOR POSITION('/' IN item_key) - 1) ELSE item_key END;
CREATE INDEX listing_mark_project ON listing_mark (project);
-- a forgotten mark is deleted by its key on every site
CREATE INDEX listing_mark_key ON listing_mark (item_key);
