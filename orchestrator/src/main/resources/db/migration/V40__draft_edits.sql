-- A wave's composition as it was asked for, so that a draft opens again for editing exactly as planned:
-- the selector it takes its targets from and the label it spreads them over.
ALTER TABLE wave ADD COLUMN selector VARCHAR(1000);
ALTER TABLE wave ADD COLUMN spread_by VARCHAR(63);

-- A deleted draft takes its waves, deployments and journal with it (it never ran, so nothing it did is
-- lost); this row keeps who deleted which draft, and when.
CREATE TABLE deleted_rollout (
    rollout_id BIGINT                   NOT NULL PRIMARY KEY,
    name       VARCHAR(200)             NOT NULL,
    patch_id   VARCHAR(64)              NOT NULL,
    created_by VARCHAR(100)             NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    deleted_by VARCHAR(100)             NOT NULL,
    deleted_at TIMESTAMP WITH TIME ZONE NOT NULL,
    plan       VARCHAR(2000)            NOT NULL
);
