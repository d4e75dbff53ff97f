-- The last probe of each connector instance against its system, so every node reports the same health.
-- status is UP or DOWN; misconfigured is true when the system refused the probe as wrongly made.
CREATE TABLE connector_probe (
    connector     VARCHAR(100)             NOT NULL PRIMARY KEY,
    status        VARCHAR(16)              NOT NULL,
    misconfigured BOOLEAN                  NOT NULL,
    detail        VARCHAR(2000)            NOT NULL,
    checked_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    -- when the status last changed
    since         TIMESTAMP WITH TIME ZONE NOT NULL
);
