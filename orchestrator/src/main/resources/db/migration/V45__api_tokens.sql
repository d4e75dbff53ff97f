-- Personal API tokens, sent as "Authorization: Bearer pw_<id>_<secret>". The token itself is shown once,
-- when it is created; only its SHA-256 is kept (a 256-bit random secret needs no slow hash). id is the
-- token's public part: the primary key finds the row, then the hashes are compared. Revoked tokens stay,
-- with who revoked them and when, as the record of what existed.
CREATE TABLE api_token (
    id           VARCHAR(16)              NOT NULL PRIMARY KEY,
    owner        VARCHAR(100)             NOT NULL,
    name         VARCHAR(100)             NOT NULL,
    -- hex of SHA-256 over the whole token
    secret_hash  VARCHAR(64)              NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    -- written at most once a minute per token and node, not on every request
    last_used_at TIMESTAMP WITH TIME ZONE,
    revoked_at   TIMESTAMP WITH TIME ZONE,
    revoked_by   VARCHAR(100)
);

CREATE INDEX api_token_owner ON api_token (owner, created_at);
