-- +goose Up
-- ind_values loses its four foreign keys (country, indicator, source, run).
-- The importer is the table's only writer and stores a value only after
-- it has written the value's country and indicator (ensureRefs) under its
-- own source and run; checked by the engine they were four look-ups a row
-- (on PostgreSQL a trigger query each), most of a large import's time
-- (NOTES.md, "WDI-size import benchmark"). TestImportLeavesNoOrphans checks
-- what they guarded.
ALTER TABLE ind_values
    DROP CONSTRAINT ind_values_country_fkey,
    DROP CONSTRAINT ind_values_indicator_fkey,
    DROP CONSTRAINT ind_values_source_id_fkey,
    DROP CONSTRAINT ind_values_run_id_fkey;

-- +goose Down
ALTER TABLE ind_values
    ADD CONSTRAINT ind_values_country_fkey FOREIGN KEY (country) REFERENCES ind_countries(code),
    ADD CONSTRAINT ind_values_indicator_fkey FOREIGN KEY (indicator) REFERENCES ind_indicators(code),
    ADD CONSTRAINT ind_values_source_id_fkey FOREIGN KEY (source_id) REFERENCES ind_sources(id),
    ADD CONSTRAINT ind_values_run_id_fkey FOREIGN KEY (run_id) REFERENCES ind_import_runs(id);
