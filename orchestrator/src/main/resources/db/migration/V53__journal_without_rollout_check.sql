-- The journal is written only by transactions that hold their rollout's row (the engine under its lease, an
-- action on the rollout), and a rollout is only ever deleted as a draft, together with its events. The foreign
-- key guarded against nothing that can happen, and cost every event row a locking read of its rollout: on
-- PostgreSQL half of what writing the journal cost, and the journal was the largest write of a running rollout.
-- H2 (the demo's database) names its constraints itself and keeps its check.
ALTER TABLE rollout_event DROP CONSTRAINT IF EXISTS rollout_event_rollout_id_fkey;
