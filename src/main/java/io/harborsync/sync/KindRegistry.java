package io.harborsync.sync;

import io.harborsync.model.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kinds harbor-sync mirrors, parents before children. Reading, planning, applying, metrics, the configuration's
 * kind names and the model test iterate it: a new kind is one class here and one line below.
 */
public final class KindRegistry {
    private static final KindRegistry STANDARD = new KindRegistry(List.of(
            new ProjectKind(), new MemberKind(), new RepositoryKind(), new ArtifactKind(), new SystemRobotKind(),
            new ProjectRobotKind(),
            // issue 16: tag immutability rules, tag retention policies, the system CVE allowlist
            new ImmutableRuleKind(), new RetentionPolicyKind(), new CveAllowlistKind(),
            // issue 16, labels: global, per project, and their attachment to artifacts
            new LabelKind(), new ProjectLabelKind(), new ArtifactLabelKind(),
            // issue 16: users' webhook policies
            new WebhookPolicyKind()));

    private final List<MirroredKind> kinds;
    private final Map<Kind, MirroredKind> byKind = new LinkedHashMap<>();

    KindRegistry(List<MirroredKind> kinds) {
        this.kinds = List.copyOf(kinds);
        for (MirroredKind k : kinds) {
            if (k.parent() != null && !byKind.containsKey(k.parent())) {
                throw new IllegalStateException(k.kind() + " comes before its parent " + k.parent());
            }
            byKind.put(k.kind(), k);
        }
    }

    public static KindRegistry standard() {
        return STANDARD;
    }

    /** Every kind, parents before children. */
    public List<MirroredKind> all() {
        return kinds;
    }

    public List<Kind> kinds() {
        return kinds.stream().map(MirroredKind::kind).toList();
    }

    public MirroredKind of(Kind kind) {
        MirroredKind k = byKind.get(kind);
        if (k == null) {
            throw new IllegalArgumentException("not a mirrored kind: " + kind);
        }
        return k;
    }


    /** The kinds the configuration's name stands for ({@link MirroredKind#configNames}); empty when none. */
    public List<Kind> named(String name) {
        return kinds.stream().filter(k -> k.configNames().contains(name)).map(MirroredKind::kind).toList();
    }

    /** Every name the configuration knows kinds by, sorted. */
    public java.util.SortedSet<String> configNames() {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        kinds.forEach(k -> out.addAll(k.configNames()));
        return out;
    }

    /** The kinds these settings keep from being mirrored at all, with why ({@link MirroredKind#precondition}). */
    public Map<Kind, String> preconditions(SyncSettings settings) {
        Map<Kind, String> out = new LinkedHashMap<>();
        kinds.forEach(k -> k.precondition(settings).ifPresent(why -> out.put(k.kind(), why)));
        return out;
    }

    /** The kinds read at the top of a site. */
    public List<MirroredKind> top() {
        return kinds.stream().filter(k -> k.parent() == null).toList();
    }

    /** The kinds whose keys live under a key of {@code parent}. */
    public List<MirroredKind> childrenOf(Kind parent) {
        List<MirroredKind> out = new ArrayList<>();
        kinds.forEach(k -> {
            if (parent.equals(k.parent())) {
                out.add(k);
            }
        });
        return out;
    }

    /** Every kind below a top-level kind (its children, their children...): what a project holds. */
    public List<Kind> below(Kind top) {
        List<Kind> out = new ArrayList<>();
        for (MirroredKind k : kinds) {
            if (k.parent() != null && (k.parent().equals(top) || out.contains(k.parent()))) {
                out.add(k.kind());
            }
        }
        return out;
    }
}
