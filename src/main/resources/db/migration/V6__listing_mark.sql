-- The quick check (issue 18): per site and key, what that site's listing showed of the key (a repository's
-- update_time and artifact_count) in the last run in which every site agreed on everything under the key.
-- While a site's listing still shows the same, what is under the key there is what the base says.
CREATE TABLE listing_mark (
    site     VARCHAR(64)   NOT NULL,
    item_key VARCHAR(1024) NOT NULL,
    mark     VARCHAR(255)  NOT NULL,
    PRIMARY KEY (site, item_key)
);
