package io.harborsync.harbor;

import io.harborsync.harbor.HarborModel.Artifact;
import io.harborsync.harbor.HarborModel.Tag;

import java.util.List;
import java.util.Optional;

import static io.harborsync.harbor.HarborTransport.repoSegment;

/**
 * A repository's artifacts and their tags ({@code HarborClient.artifacts()}). A reference is a digest or a tag;
 * repository names are without the project.
 */
public final class Artifacts {
    private final HarborTransport t;

    Artifacts(HarborTransport transport) {
        this.t = transport;
    }

    /** With their tags and their labels ({@code with_label=true}: the attachments at no extra request). */
    public List<Artifact> list(String project, String repo) {
        return t.list("list artifacts of " + project + "/" + repo,
                (api, page, size) -> api.listArtifacts(project, repoSegment(repo), page, size, true, true));
    }

    public Optional<Artifact> find(String project, String repo, String reference) {
        try {
            return Optional.of(t.read("get artifact " + project + "/" + repo + "@" + reference,
                    api -> api.getArtifact(project, repoSegment(repo), reference)));
        } catch (HarborException.NotFound e) {
            return Optional.empty();
        }
    }

    /** Deletes the whole artifact with every tag it has, whether reference is a digest or a tag. */
    public void delete(String project, String repo, String reference) {
        t.run("delete artifact " + project + "/" + repo + "@" + reference,
                api -> api.deleteArtifact(project, repoSegment(repo), reference));
    }

    public List<Tag> tags(String project, String repo, String reference) {
        return t.list("list tags of " + project + "/" + repo + "@" + reference,
                (api, page, size) -> api.listTags(project, repoSegment(repo), reference, page, size));
    }

    public void addTag(String project, String repo, String reference, String tag) {
        t.call("add tag " + tag + " to " + project + "/" + repo + "@" + reference,
                api -> api.createTag(project, repoSegment(repo), reference, Tag.named(tag)));
    }

    public void deleteTag(String project, String repo, String reference, String tag) {
        t.run("delete tag " + tag + " of " + project + "/" + repo,
                api -> api.deleteTag(project, repoSegment(repo), reference, tag));
    }
}
