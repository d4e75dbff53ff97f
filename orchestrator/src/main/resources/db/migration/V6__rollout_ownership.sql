-- One node advances a rollout at a time: it holds the rollout's lease (owner, epoch, expiry) and renews it
-- by heartbeat. Every engine transaction first touches the row under the epoch it holds, so a node that
-- lost the lease changes nothing; a takeover bumps the epoch.
ALTER TABLE rollout ADD COLUMN owner_node VARCHAR(100);
ALTER TABLE rollout ADD COLUMN lease_epoch BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE rollout ADD COLUMN lease_until TIMESTAMP WITH TIME ZONE;

-- Resends bounded: connector errors on an install, and rollback attempts.
ALTER TABLE deployment ADD COLUMN connector_errors INT DEFAULT 0 NOT NULL;
ALTER TABLE deployment ADD COLUMN rollback_attempts INT DEFAULT 0 NOT NULL;

-- Each node reconciles the rollouts it owns on its own clock; the cluster-wide Quartz reconcile is gone.
DELETE FROM QRTZ_SIMPLE_TRIGGERS WHERE TRIGGER_NAME = 'reconcile' AND TRIGGER_GROUP = 'engine';
DELETE FROM QRTZ_TRIGGERS WHERE TRIGGER_NAME = 'reconcile' AND TRIGGER_GROUP = 'engine';
DELETE FROM QRTZ_JOB_DETAILS WHERE JOB_NAME = 'reconcile' AND JOB_GROUP = 'engine';
