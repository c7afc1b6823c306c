package io.harborsync.sync;

import io.harborsync.harbor.HarborModel.Label;
import io.harborsync.model.Keys;
import io.harborsync.model.Kind;
import io.harborsync.model.Scope;
import io.harborsync.sync.Decision.Op;
import io.harborsync.sync.Values.LabelValue;
import io.harborsync.sync.Values.Value;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Global labels (scope g), keyed by name ({@link Keys#label}): color and description, merged attribute by
 * attribute. Read at the top of a site at full reconciles only (they belong to no project), written after the
 * projects, deleted after the attachments of them ({@link ArtifactLabelKind}). A rename is a deletion and a
 * creation. A label without a name (Harbor allows it) is not mirrored.
 */
final class LabelKind implements MirroredKind {
    static final Kind LABEL = Kind.define("label", true);

    @Override
    public Kind kind() {
        return LABEL;
    }

    @Override
    public Kind parent() {
        return null;
    }

    @Override
    public int createPhase() {
        return 2;
    }

    @Override
    public int deletePhase() {
        return 3;
    }

    @Override
    public Class<? extends Value> valueType() {
        return LabelValue.class;
    }

    @Override
    public Map<String, ?> listTop(SiteRead site, Scope scope) {
        Map<String, Label> out = new LinkedHashMap<>();
        if (!scope.coversTop(kind())) {
            return out; // global labels belong to no project: only a full reconcile covers them
        }
        for (Label l : site.client().labels().listGlobal()) {
            if (l.name() == null || l.name().isEmpty()) {
                site.exclude(LABEL, Keys.label(""), LabelCopies.NAMELESS);
            } else {
                out.put(Keys.label(l.name()), l);
            }
        }
        return out;
    }

    @Override
    public void readTop(SiteRead site, String key, Object item) {
        LabelCopies.file(site, LABEL, key, (Label) item);
    }

    @Override
    public Optional<Value> readOne(SiteRead site, String key) {
        return site.client().labels().findGlobal(Keys.labelName(key)).map(LabelCopies::value);
    }

    @Override
    public Applied apply(Op op, ApplyContext ctx) {
        return LabelCopies.apply(op, ctx, null, () -> ctx.client().labels().findGlobal(Keys.labelName(op.key())));
    }
}
