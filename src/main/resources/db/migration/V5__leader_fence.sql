-- High availability (issue 17): the fencing token. Each replica that becomes leader raises the epoch and
-- writes its identity and admin URL here, in one transaction; the leader compares the epoch with the one it
-- got before each batch of writes, so a replica that lost leadership without noticing (frozen past its lease)
-- finds a higher epoch and writes nothing. Followers read holder_url to forward admin requests.
CREATE TABLE leader_fence (
    id          INTEGER                  NOT NULL PRIMARY KEY,
    epoch       BIGINT                   NOT NULL,
    holder      VARCHAR(255)             NOT NULL,
    holder_url  VARCHAR(1024)            NOT NULL,
    acquired_at TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO leader_fence (id, epoch, holder, holder_url, acquired_at)
VALUES (1, 0, '', '', TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00:00');
