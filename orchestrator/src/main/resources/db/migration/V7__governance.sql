-- What a rollout does when a wave breaches its threshold: PAUSE (wait for a person), ROLLBACK_WAVE or
-- ROLLBACK_ALL; and, while rolling back, which wave the rollback is limited to (NULL: all of them).
ALTER TABLE rollout ADD COLUMN halt_policy VARCHAR(16) DEFAULT 'PAUSE' NOT NULL;
ALTER TABLE rollout ADD COLUMN rollback_wave INT;

-- A wave that waits for a change manager other than the rollout's creator before it starts.
ALTER TABLE wave ADD COLUMN requires_approval BOOLEAN DEFAULT FALSE NOT NULL;

-- When the installed version of a finished wave's unverified targets (reboot pending, or installed with no
-- version read back) was read again, before the next wave may start.
ALTER TABLE wave ADD COLUMN verified_at TIMESTAMP WITH TIME ZONE;
