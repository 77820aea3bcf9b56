-- +goose Up
-- Evaluations (with their frozen inputs) and approved decisions are the
-- record an aid decision rests on: the database itself refuses to change
-- or remove them. A proposed decision may only become approved, once.
-- +goose StatementBegin
CREATE TRIGGER aid_evaluations_no_update BEFORE UPDATE ON aid_evaluations
BEGIN
    SELECT RAISE(ABORT, 'aid_evaluations is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER aid_evaluations_no_delete BEFORE DELETE ON aid_evaluations
BEGIN
    SELECT RAISE(ABORT, 'aid_evaluations is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER aid_evaluation_results_no_update BEFORE UPDATE ON aid_evaluation_results
BEGIN
    SELECT RAISE(ABORT, 'aid_evaluation_results is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER aid_evaluation_results_no_delete BEFORE DELETE ON aid_evaluation_results
BEGIN
    SELECT RAISE(ABORT, 'aid_evaluation_results is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER aid_decisions_approve_only BEFORE UPDATE ON aid_decisions
WHEN OLD.status <> 'proposed' OR NEW.status <> 'approved'
  OR NEW.tranche_id <> OLD.tranche_id OR NEW.evaluation_id <> OLD.evaluation_id OR NEW.action <> OLD.action
  OR NEW.reason <> OLD.reason OR NEW.proposed_by <> OLD.proposed_by OR NEW.proposed_at <> OLD.proposed_at
BEGIN
    SELECT RAISE(ABORT, 'aid_decisions: a decision is final once approved; only a proposal may be approved');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER aid_decisions_no_delete BEFORE DELETE ON aid_decisions
BEGIN
    SELECT RAISE(ABORT, 'aid_decisions: a decision is never deleted');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER aid_decisions_no_delete;
DROP TRIGGER aid_decisions_approve_only;
DROP TRIGGER aid_evaluation_results_no_delete;
DROP TRIGGER aid_evaluation_results_no_update;
DROP TRIGGER aid_evaluations_no_delete;
DROP TRIGGER aid_evaluations_no_update;
