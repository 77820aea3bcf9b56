-- +goose Up
-- The folded name keys that case search scans (cases.key_given,
-- key_surname1, key_surname2) were written by an older fold that kept
-- hyphens and digits and dropped apostrophes ("garcia-lopez", "daubuisson");
-- search now folds the query with identity.Fold, which turns every
-- non-letter into a space ("garcia lopez", "d aubuisson"), and new rows
-- are written that way. This re-folds the old keys as far as SQL can: the
-- non-letters names hold become spaces, then runs of spaces are collapsed
-- (four passes: a run of up to 16) and the ends trimmed. Accents and case
-- were already folded the same way.
UPDATE cases SET
    key_given    = REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(key_given,    '-', ' '), '.', ' '), ',', ' '), '''', ' '), '’', ' '), '/', ' '), '(', ' '), ')', ' '),
    key_surname1 = REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(key_surname1, '-', ' '), '.', ' '), ',', ' '), '''', ' '), '’', ' '), '/', ' '), '(', ' '), ')', ' '),
    key_surname2 = REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(key_surname2, '-', ' '), '.', ' '), ',', ' '), '''', ' '), '’', ' '), '/', ' '), '(', ' '), ')', ' ');

UPDATE cases SET
    key_given    = REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(key_given,    '0', ' '), '1', ' '), '2', ' '), '3', ' '), '4', ' '), '5', ' '), '6', ' '), '7', ' '), '8', ' '), '9', ' '),
    key_surname1 = REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(key_surname1, '0', ' '), '1', ' '), '2', ' '), '3', ' '), '4', ' '), '5', ' '), '6', ' '), '7', ' '), '8', ' '), '9', ' '),
    key_surname2 = REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(key_surname2, '0', ' '), '1', ' '), '2', ' '), '3', ' '), '4', ' '), '5', ' '), '6', ' '), '7', ' '), '8', ' '), '9', ' ');

UPDATE cases SET
    key_given    = TRIM(REPLACE(REPLACE(REPLACE(REPLACE(key_given,    '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' ')),
    key_surname1 = TRIM(REPLACE(REPLACE(REPLACE(REPLACE(key_surname1, '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' ')),
    key_surname2 = TRIM(REPLACE(REPLACE(REPLACE(REPLACE(key_surname2, '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' '));

-- +goose Down
-- Nothing to undo: the old keys cannot be rebuilt from the new ones (a
-- space may have been a hyphen, an apostrophe or a space).
