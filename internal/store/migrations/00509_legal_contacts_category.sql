-- +goose Up

-- The sponsor category of the release a contact row belongs to, copied
-- from the release domain (release.ReleaseFactsOf) the first time the
-- lost-contact board counts the child, so that the board counts every
-- lost child per category in one grouped read instead of asking the
-- release domain about all of them on every read (40 ms at 100,000 cases,
-- internal/legal/NOTES.md). A sponsor's category does not change once
-- recorded, and a new release writes a new contact row (NULL again).
-- NULL: not copied yet; '': the release domain knows none (unknown).
ALTER TABLE legal_contacts ADD COLUMN sponsor_category TEXT;

-- The lost children whose category is not copied yet: asked on every read
-- of the board, empty once copied.
CREATE INDEX legal_contacts_no_category ON legal_contacts(case_id) WHERE lost_at IS NOT NULL AND sponsor_category IS NULL;

-- The board's page and counts read the lost children in this index only:
-- longest lost first, the scope tested on the case id.
CREATE INDEX legal_contacts_board ON legal_contacts(lost_at, case_id, released_at, sponsor_category, lost_reason);

-- +goose Down
DROP INDEX legal_contacts_board;
DROP INDEX legal_contacts_no_category;
ALTER TABLE legal_contacts DROP COLUMN sponsor_category;
