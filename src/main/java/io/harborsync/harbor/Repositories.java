package io.harborsync.harbor;

import io.harborsync.harbor.HarborModel.Repository;

import java.util.List;

import static io.harborsync.harbor.HarborTransport.repoSegment;

/** A project's repositories ({@code HarborClient.repositories()}); names are without the project. */
public final class Repositories {
    private final HarborTransport t;

    Repositories(HarborTransport transport) {
        this.t = transport;
    }

    public List<Repository> list(String project) {
        return t.list("list repositories of " + project,
                (api, page, size) -> api.listRepositories(project, page, size));
    }

    public void delete(String project, String repo) {
        t.run("delete repository " + project + "/" + repo, api -> api.deleteRepository(project, repoSegment(repo)));
    }
}
