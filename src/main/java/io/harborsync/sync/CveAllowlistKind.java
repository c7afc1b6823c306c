package io.harborsync.sync;

import io.harborsync.harbor.HarborModel.CveAllowlist;
import io.harborsync.harbor.HarborModel.CveItem;
import io.harborsync.model.Keys;
import io.harborsync.model.Kind;
import io.harborsync.model.Scope;
import io.harborsync.sync.Decision.Op;
import io.harborsync.sync.Values.CveAllowlistValue;
import io.harborsync.sync.Values.Value;

import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The system CVE allowlist ({@code /system/CVEAllowlist}), one top-level key ({@link Keys#CVE_ALLOWLIST}) read at
 * full reconciles only, with its CVE ids and expiry. Every site has one (empty until set), so it is never created
 * nor deleted: a create or update is a PUT of the whole list. Only a system admin may PUT it (Harbor checks system
 * {@code configuration:update}, which no robot may hold): with a robot account it is not mirrored at all. The
 * project-level allowlists travel with their projects ({@link ProjectKind}).
 */
final class CveAllowlistKind implements MirroredKind {
    static final Kind CVE_ALLOWLIST = Kind.define("cve-allowlist", true);

    @Override
    public Kind kind() {
        return CVE_ALLOWLIST;
    }

    @Override
    public Kind parent() {
        return null;
    }

    @Override
    public int createPhase() {
        return 3;
    }

    @Override
    public int deletePhase() {
        return 2;
    }

    @Override
    public Class<? extends Value> valueType() {
        return CveAllowlistValue.class;
    }

    @Override
    public Optional<String> precondition(SyncSettings settings) {
        Map<String, String> robots = new java.util.LinkedHashMap<>();
        settings.accounts().forEach((site, account) -> {
            if (account != null && account.startsWith(Keys.ROBOT_PREFIX)) {
                robots.put(site, account);
            }
        });
        if (robots.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("the system CVE allowlist is not mirrored, as only a system admin may change it"
                + " (configuration:update, which no robot may hold): harbor-sync logs in to "
                + String.join(", ", robots.entrySet().stream().map(e -> e.getKey() + " as " + e.getValue()).toList())
                + "; configure a user with the system admin role ("
                + String.join(", ", robots.keySet().stream().map(x -> "harbor-sync.sites." + x + ".username").toList())
                + ")");
    }

    @Override
    public Map<String, ?> listTop(SiteRead site, Scope scope) {
        if (!scope.coversTop(kind())) {
            return Map.of(); // it belongs to no project: only a full reconcile covers it
        }
        return Map.of(Keys.CVE_ALLOWLIST, site.client().systemCveAllowlist().get());
    }

    @Override
    public void readTop(SiteRead site, String key, Object item) {
        CveAllowlist a = (CveAllowlist) item;
        site.put(CVE_ALLOWLIST, key, value(a));
        ProjectKind.parseTime(a.updateTime()).filter(t -> t.getEpochSecond() > 0).ifPresent(t -> site.changedAt(key, t));
    }

    @Override
    public Optional<Value> readOne(SiteRead site, String key) {
        return Optional.of(value(site.client().systemCveAllowlist().get()));
    }

    static CveAllowlistValue value(CveAllowlist a) {
        TreeSet<String> ids = new TreeSet<>();
        if (a.items() != null) {
            a.items().forEach(i -> {
                if (i.cveId() != null) {
                    ids.add(i.cveId());
                }
            });
        }
        return new CveAllowlistValue(ids, a.expiresAt()); // null: never (0 would be expired since 1970)
    }

    @Override
    public Applied apply(Op op, ApplyContext ctx) {
        switch (op.type()) {
            case CREATE, UPDATE -> {
                CveAllowlistValue v = (CveAllowlistValue) op.value();
                ctx.client().systemCveAllowlist().put(CveAllowlist.portable(v.expiresAt(),
                        v.items().stream().map(CveItem::new).toList()));
            }
            default -> throw new IllegalStateException("the system CVE allowlist always exists: it is never "
                    + op.type().name().toLowerCase(java.util.Locale.ROOT) + "d");
        }
        return Applied.DONE;
    }
}
