package io.harborsync.harbor;

import io.harborsync.harbor.HarborModel.Quota;
import io.harborsync.harbor.HarborModel.QuotaUpdateReq;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** A site's project quotas ({@code HarborClient.quotas()}): the storage limit of a project lives here. */
public final class Quotas {
    private final HarborTransport t;
    private final Projects projects;

    /** @param projects the same site's projects: a project's quota is found by its id */
    Quotas(HarborTransport transport, Projects projects) {
        this.projects = projects;
        this.t = transport;
    }

    /** One page of the listing of every project's quota (Harbor lists them newest first), with its X-Total-Count. */
    public record Page(int number, List<Quota> items, Long total) {
    }

    /**
     * One page of every project's quota ({@code GET /quotas?reference=project}): a full read needs the storage
     * limit of every project, and one request per project would cost as much as all the other listings together.
     * Real Harbor takes long for each page (it loads each quota's project one by one), so the engine asks for the
     * pages side by side once page 1 has given the total, and puts them together with a {@link Listing}.
     */
    public Page page(int number) {
        HarborTransport.OnePage<Quota> p = t.page("list project quotas",
                (api, page, size) -> api.listQuotaPage("project", page, size), number);
        return new Page(number, p.items(), p.total());
    }

    /** The pages a listing of {@code total} items has at this client's page size (page 1 always exists). */
    public int pageCount(long total) {
        return (int) Math.max(1, (total + t.pageSize() - 1) / t.pageSize());
    }

    /** Items per page: a page with fewer is the last. */
    public int pageSize() {
        return t.pageSize();
    }

    /**
     * The pages of one quota listing, put together in whatever order they arrive; thread-safe. Harbor lists quotas
     * newest first, so a project created while the pages are read pushes an item onto the next page (it comes
     * twice) and one deleted pulls one back onto a page already read (it is missed), and the two together leave
     * X-Total-Count as it was. A listing that moved is therefore not trusted by its count: a project's quota is
     * taken from it only when it came exactly once (its quota id too); a project listed twice or not at all (see
     * {@link #trusted}) is for the caller to read on its own ({@link #ofProject}). Every item that came once is
     * what Harbor held when its page was read.
     */
    public static final class Listing {
        private final Map<Long, Quota> byProject = new HashMap<>();
        private final Map<Long, Long> projectOfQuota = new HashMap<>();
        /** Projects with more than one item (or whose quota id came twice). */
        private final Set<Long> twice = new HashSet<>();
        private final Set<Long> totals = new TreeSet<>();
        private int items;

        public synchronized void add(Page page) {
            if (page.total() != null) {
                totals.add(page.total());
            }
            for (Quota q : page.items()) {
                items++;
                Object ref = q.ref() == null ? null : q.ref().get("id");
                if (!(ref instanceof Number n)) {
                    continue;
                }
                long project = n.longValue();
                if (byProject.putIfAbsent(project, q) != null) {
                    twice.add(project);
                }
                if (q.id() != null) {
                    Long before = projectOfQuota.putIfAbsent(q.id(), project);
                    if (before != null) {
                        twice.add(before);
                        twice.add(project);
                    }
                }
            }
        }

        /** The project's quota as the listing showed it once, or empty: then it must be read on its own. */
        public synchronized Optional<Quota> trusted(long projectId) {
            return twice.contains(projectId) ? Optional.empty() : Optional.ofNullable(byProject.get(projectId));
        }

        /** Whether the listing moved while it was read: pages with different totals, fewer or more items, an item twice. */
        public synchronized boolean moved() {
            return totals.size() > 1 || !twice.isEmpty() || (totals.size() == 1 && totals.iterator().next() != items);
        }

        /** What the listing looked like, for the log. */
        public synchronized String describe() {
            return items + " items, X-Total-Count " + totals + ", " + twice.size() + " projects listed twice";
        }
    }

    public Optional<Quota> ofProject(long projectId) {
        List<Quota> quotas = t.read("get quota of project id " + projectId,
                api -> api.listQuotas("project", Long.toString(projectId)));
        return quotas.stream().findFirst();
    }

    /**
     * Sets the project's storage limit in bytes (-1 = unlimited): one PUT when the quota's id is known from a
     * listing, otherwise the project and its quota are looked up first.
     */
    public void setStorageLimit(String project, long bytes, Optional<Long> knownQuotaId) {
        String op = "set storage quota of " + project;
        long quotaId = knownQuotaId.orElseGet(() -> {
            long projectId = projects.get(project).projectId();
            return ofProject(projectId).orElseThrow(() ->
                    t.refused(op, 404, "NOT_FOUND", "project " + project + " has no quota")).id();
        });
        t.run(op, api -> api.updateQuota(quotaId, QuotaUpdateReq.storage(bytes)));
    }
}
