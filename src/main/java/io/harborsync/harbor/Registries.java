package io.harborsync.harbor;

import io.harborsync.harbor.HarborModel.Registry;
import io.harborsync.harbor.HarborModel.RegistryUpdate;

import java.util.List;

/** A site's registry endpoints ({@code HarborClient.registries()}): replication targets and proxy-cache upstreams. */
public final class Registries {
    private final HarborTransport t;

    Registries(HarborTransport transport) {
        this.t = transport;
    }

    public List<Registry> list() {
        return t.list("list registries", (api, page, size) -> api.listRegistries(page, size));
    }

    public long create(Registry req) {
        return t.create("create registry " + req.name(), api -> api.createRegistry(req));
    }

    public void update(long id, RegistryUpdate req) {
        t.run("update registry " + id, api -> api.updateRegistry(id, req));
    }
}
