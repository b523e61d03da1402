-- A treatment action's due date stops being a duty once the action is done
-- or cancelled (issue #8); duties stored before that rule are removed.
DELETE FROM record_duties
WHERE kind = 'risk_action' AND duty = 'due' AND record_id IN (
    SELECT id FROM records
    WHERE kind = 'risk_action' AND (fields::jsonb ->> 'status') IN ('done', 'cancelled')
);
