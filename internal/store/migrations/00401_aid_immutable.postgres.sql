-- +goose Up
-- Evaluations (with their frozen inputs) and approved decisions are the
-- record an aid decision rests on: the database itself refuses to change
-- or remove them. A proposed decision may only become approved, once.
-- +goose StatementBegin
CREATE FUNCTION aid_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION aid_decision_approve_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.status <> 'proposed' OR NEW.status <> 'approved'
       OR NEW.tranche_id <> OLD.tranche_id OR NEW.evaluation_id <> OLD.evaluation_id OR NEW.action <> OLD.action
       OR NEW.reason <> OLD.reason OR NEW.proposed_by <> OLD.proposed_by OR NEW.proposed_at <> OLD.proposed_at THEN
        RAISE EXCEPTION 'aid_decisions: a decision is final once approved; only a proposal may be approved';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER aid_evaluations_no_change BEFORE UPDATE OR DELETE ON aid_evaluations
    FOR EACH ROW EXECUTE FUNCTION aid_append_only();
CREATE TRIGGER aid_evaluation_results_no_change BEFORE UPDATE OR DELETE ON aid_evaluation_results
    FOR EACH ROW EXECUTE FUNCTION aid_append_only();
CREATE TRIGGER aid_decisions_approve_only BEFORE UPDATE OR DELETE ON aid_decisions
    FOR EACH ROW EXECUTE FUNCTION aid_decision_approve_only();

-- +goose Down
DROP TRIGGER aid_decisions_approve_only ON aid_decisions;
DROP TRIGGER aid_evaluation_results_no_change ON aid_evaluation_results;
DROP TRIGGER aid_evaluations_no_change ON aid_evaluations;
DROP FUNCTION aid_decision_approve_only();
DROP FUNCTION aid_append_only();
