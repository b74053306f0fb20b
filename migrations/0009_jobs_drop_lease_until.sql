-- Jobs never had a lease of their own: River's row says which worker runs a
-- job and since when (attempted_at, attempted_by), and its rescuer takes back
-- jobs whose worker died. The column was never read.
ALTER TABLE jobs DROP COLUMN lease_until;
