-- +goose Up
-- Case search finds a name prefix as a range of keys (from "nunez" up to
-- "nune{"), which holds only in byte order. A database created with a
-- language collation (en_US.UTF-8, es_MX.UTF-8) orders keys ignoring spaces
-- and punctuation, and the range then misses names. The keys are plain
-- ASCII made by identity.Fold, so byte order ("C") is also their natural
-- order. The indexes on them are rebuilt with the new collation.
ALTER TABLE cases ALTER COLUMN key_given TYPE TEXT COLLATE "C";
ALTER TABLE cases ALTER COLUMN key_surname1 TYPE TEXT COLLATE "C";
ALTER TABLE cases ALTER COLUMN key_surname2 TYPE TEXT COLLATE "C";

-- +goose Down
ALTER TABLE cases ALTER COLUMN key_given TYPE TEXT COLLATE "default";
ALTER TABLE cases ALTER COLUMN key_surname1 TYPE TEXT COLLATE "default";
ALTER TABLE cases ALTER COLUMN key_surname2 TYPE TEXT COLLATE "default";
