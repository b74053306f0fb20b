-- Why a failed job failed, as the error code its final error had
-- (unavailable, invalid, internal, …): the exit status of the command that
-- waited for it. NULL for jobs that did not fail, or failed before this
-- column existed.
ALTER TABLE jobs ADD COLUMN error_code TEXT;
