-- +goose Up
-- An evaluation's explanation as message keys and arguments (JSON), beside
-- the English text, so that a page shows it in its own language. '' for
-- evaluations stored before: they are shown in English as they were.
ALTER TABLE aid_evaluations ADD COLUMN explanation_msgs TEXT NOT NULL DEFAULT '';
ALTER TABLE aid_evaluation_results ADD COLUMN explanation_msgs TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE aid_evaluation_results DROP COLUMN explanation_msgs;
ALTER TABLE aid_evaluations DROP COLUMN explanation_msgs;
