-- How many targets of each wave are in each state, kept in step with the deployments by every transaction that
-- moves one, so that a step of the engine or a read of a rollout reads a few rows instead of counting all its
-- targets. One row per wave and state, created with the wave.
CREATE TABLE wave_tally (
    wave_id BIGINT      NOT NULL REFERENCES wave (id) ON DELETE CASCADE,
    state   VARCHAR(32) NOT NULL,
    n       INT         NOT NULL,
    PRIMARY KEY (wave_id, state)
);

INSERT INTO wave_tally (wave_id, state, n)
SELECT w.id, s.state, (SELECT COUNT(*) FROM deployment d WHERE d.wave_id = w.id AND d.state = s.state)
FROM wave w
CROSS JOIN (VALUES ('PENDING'), ('DISPATCHED'), ('SUCCEEDED'), ('REBOOT_PENDING'), ('FAILED'), ('SKIPPED'),
                   ('EXCLUDED'), ('ROLLING_BACK'), ('ROLLED_BACK'), ('ROLLBACK_FAILED')) AS s (state);
