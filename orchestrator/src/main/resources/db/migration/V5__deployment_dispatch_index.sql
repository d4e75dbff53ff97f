-- The engine asks, on every result, for the next pending targets of a wave in plan order (ids follow the
-- plan's name order) and for the wave's counts per state: both answered from this index.
CREATE INDEX deployment_wave_state_id ON deployment (wave_id, state, id);
DROP INDEX deployment_wave_state;
