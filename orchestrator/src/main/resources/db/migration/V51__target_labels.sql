-- Each target's labels as rows, so that label selectors run in the database (an EXISTS per
-- requirement) instead of over every target loaded into memory. target.labels stays: it is the
-- copy read with the target, in one row; this table is the copy queried, written beside it in the
-- same transaction by every upsert. Columns are not called key and value: both are keywords in
-- H2. V52 fills the table from the labels already stored. No foreign key to target: checking one
-- for every label row made registering a fleet markedly slower, and the rows are only ever written
-- by the upsert that has just written their target (targets are never deleted).
CREATE TABLE target_label (
    target_id   BIGINT      NOT NULL,
    label_key   VARCHAR(63) NOT NULL,
    label_value VARCHAR(63) NOT NULL,
    PRIMARY KEY (target_id, label_key)
);

-- key=value and key (present) find their targets from this index alone.
CREATE INDEX target_label_key_value ON target_label (label_key, label_value, target_id);
