package io.harborsync.sync;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * The synced attributes of each kind, in a canonical form (sorted, no ids, no timestamps) so that
 * equal states compare equal across sites and against the stored base.
 */
public final class Values {
    private Values() {
    }

    /**
     * The state of one key on one site: an immutable record with equals, serialisable with Jackson (the base stores
     * it as JSON). Each kind's class names its value type ({@link MirroredKind#valueType()}).
     */
    public interface Value {
    }

    /**
     * @param metadata     only the synced metadata keys (sync-model.md), "public" excluded
     * @param storageLimit bytes, -1 unlimited, null when the quota could not be read as a number
     * @param proxyCacheRegistry for a proxy-cache project the name of its registry endpoint (ids differ per
     *                     site, names are configured alike), else null
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record ProjectValue(boolean isPublic, SortedMap<String, String> metadata, Long storageLimit,
                               List<String> cveIds, Long cveExpiresAt, String proxyCacheRegistry) implements Value {
        public ProjectValue(boolean isPublic, SortedMap<String, String> metadata, Long storageLimit,
                            List<String> cveIds, Long cveExpiresAt) {
            this(isPublic, metadata, storageLimit, cveIds, cveExpiresAt, null);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MemberValue(int roleId) implements Value {
    }

    /** A repository's only synced attribute is that it exists. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RepositoryValue() implements Value {
        public static final RepositoryValue EXISTS = new RepositoryValue();
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ArtifactValue(SortedSet<String> tags) implements Value {
    }

}
