-- Which robots' secrets the daemon set alike on the sites and proved there by authenticating as the robot
-- (issue 15). Only that fact is kept, never a secret: per robot key (robot:ci, p/robot:ci) and site, the
-- robot's id on that site when it was proven, so that a robot recreated on a site (another id) is seen as
-- no longer aligned there.
CREATE TABLE robot_secret_alignment (
    robot_key VARCHAR(1024)            NOT NULL,
    site      VARCHAR(64)              NOT NULL,
    robot_id  BIGINT                   NOT NULL,
    proven_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (robot_key, site)
);
