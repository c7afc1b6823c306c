package io.harborsync.sync;

/** How a reconcile uses the quick check's listing marks (issue 18; see {@code QuickCheck}). */
public enum QuickCheckMode {
    /** Every listing is read; marks are neither used nor kept. */
    OFF,
    /** A site whose listing shows a key's mark unchanged since the sites agreed is not listed under it. */
    ON,
    /** The verify pass: everything is read, and what a trusted mark would have missed is counted. */
    VERIFY
}
