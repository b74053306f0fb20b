-- The version of the price table a run's cost was computed from (NULL when
-- the provider charges nothing, e.g. offline).
ALTER TABLE runs ADD COLUMN price_version TEXT;
