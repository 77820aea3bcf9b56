-- +goose Up
-- SQLite compares text in byte order (BINARY) already: nothing to do. The
-- PostgreSQL twin of this migration gives the search keys byte order there.
SELECT 1;

-- +goose Down
SELECT 1;
