package io.harborsync.harbor;

import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.harbor.HarborModel.Registry;
import io.harborsync.harbor.HarborModel.ReplicationExecution;
import io.harborsync.harbor.HarborModel.ReplicationPolicy;
import io.harborsync.harbor.HarborModel.StartReplicationExecution;

import java.util.List;

import static io.harborsync.harbor.HarborTransport.BY_NAME;

/**
 * Harbor calls only tests make, sent through a client's transport (its slots, breaker, paging, error typing and
 * encoding rules) so that they are shaped as the daemon's own calls are. None of them is a {@link HarborOperation}:
 * neither the daemon nor bootstrap performs them.
 */
public final class HarborTestCalls {
    private HarborTestCalls() {
    }

    /** The raw merging project PUT (the daemon sends only {@link Projects#updateSettings}). */
    public static void updateProject(HarborClient c, String name, ProjectReq req) {
        c.transport().run("update project " + name, api -> api.updateProject(BY_NAME, name, req));
    }

    public static Registry getRegistry(HarborClient c, long id) {
        return c.transport().call("get registry " + id, api -> api.getRegistry(id));
    }

    public static void deleteRegistry(HarborClient c, long id) {
        c.transport().run("delete registry " + id, api -> api.deleteRegistry(id));
    }

    public static ReplicationPolicy getReplicationPolicy(HarborClient c, long id) {
        return c.transport().call("get replication policy " + id, api -> api.getReplicationPolicy(id));
    }

    public static void deleteReplicationPolicy(HarborClient c, long id) {
        c.transport().run("delete replication policy " + id, api -> api.deleteReplicationPolicy(id));
    }

    public static long startReplication(HarborClient c, long policyId) {
        return c.transport().create("start replication of policy " + policyId,
                api -> api.startReplication(new StartReplicationExecution(policyId)));
    }

    public static List<ReplicationExecution> listReplicationExecutions(HarborClient c, long policyId) {
        return c.transport().list("list executions of policy " + policyId,
                (api, page, size) -> api.listReplicationExecutions(policyId, page, size));
    }

    public static ReplicationExecution getReplicationExecution(HarborClient c, long id) {
        return c.transport().call("get replication execution " + id, api -> api.getReplicationExecution(id));
    }

    public static void deleteWebhookPolicy(HarborClient c, String project, long id) {
        c.transport().run("delete webhook policy " + id + " in " + project,
                api -> api.deleteWebhookPolicy(BY_NAME, project, id));
    }
}
