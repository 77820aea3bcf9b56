-- +goose Up

-- Comparison keys of a sponsor, written by the release domain
-- (release.personKey, addressKey, nameKey) so that the trafficking-pattern
-- flag can group sponsors by person and by address, and the sponsor list
-- can search by name, with an index instead of a scan. Rows written before
-- this migration get theirs on the first read that needs them.
ALTER TABLE sponsors ADD COLUMN person_key TEXT;
ALTER TABLE sponsors ADD COLUMN address_key TEXT;
ALTER TABLE sponsors ADD COLUMN name_key TEXT;
CREATE INDEX sponsors_person_key ON sponsors(person_key);
CREATE INDEX sponsors_address_key ON sponsors(address_key);

-- +goose Down
DROP INDEX sponsors_address_key;
DROP INDEX sponsors_person_key;
ALTER TABLE sponsors DROP COLUMN name_key;
ALTER TABLE sponsors DROP COLUMN address_key;
ALTER TABLE sponsors DROP COLUMN person_key;
