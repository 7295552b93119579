// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.record;

/**
 * An m-map marker of Prometheus' out-of-order write-behind log: every sample of series {@code ref}
 * up to this point is in the m-mapped chunk {@code mmapRef}.
 *
 * @param ref head series ref
 * @param mmapRef chunk disk mapper ref
 */
public record RefMmapMarker(long ref, long mmapRef) {}
