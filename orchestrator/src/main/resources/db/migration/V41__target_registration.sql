-- When a target was first registered: its exposure history starts there. updated_at moves with every
-- upsert and recorded install, so it cannot tell. New rows take the default; rows already stored take the
-- earliest time known of them: their last update, or the creation of the first rollout that covered them.
ALTER TABLE target ADD COLUMN registered_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL;
UPDATE target SET registered_at = updated_at;
UPDATE target SET registered_at = (
    SELECT MIN(r.created_at) FROM deployment d JOIN rollout r ON r.id = d.rollout_id WHERE d.target_id = target.id)
WHERE registered_at > (
    SELECT MIN(r.created_at) FROM deployment d JOIN rollout r ON r.id = d.rollout_id WHERE d.target_id = target.id);
