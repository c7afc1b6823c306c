package io.harborsync.harbor;

import io.harborsync.harbor.HarborModel.ReplicationPolicy;

import java.util.List;

/** A site's replication policies ({@code HarborClient.replications()}), as bootstrap keeps them. */
public final class Replications {
    private final HarborTransport t;

    Replications(HarborTransport transport) {
        this.t = transport;
    }

    public List<ReplicationPolicy> listPolicies() {
        return t.list("list replication policies", (api, page, size) -> api.listReplicationPolicies(page, size));
    }

    public long createPolicy(ReplicationPolicy req) {
        return t.create("create replication policy " + req.name(), api -> api.createReplicationPolicy(req));
    }

    public void updatePolicy(long id, ReplicationPolicy req) {
        t.run("update replication policy " + id, api -> api.updateReplicationPolicy(id, req));
    }
}
