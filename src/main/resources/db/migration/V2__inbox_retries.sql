-- Failed webhook work is retried with backoff; after too many attempts it is set aside (dead letter)
-- until an operator retries it through the admin API.
ALTER TABLE inbox_event ADD COLUMN next_attempt_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE inbox_event ADD COLUMN dead BOOLEAN DEFAULT FALSE NOT NULL;
CREATE INDEX inbox_event_due ON inbox_event (done, dead, next_attempt_at);
