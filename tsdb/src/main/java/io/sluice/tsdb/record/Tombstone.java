// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.record;

/**
 * One deletion interval from a tombstones record: samples of series {@code ref} in [{@code mint},
 * {@code maxt}] (ms, both inclusive) are deleted.
 *
 * @param ref head series ref
 * @param mint first deleted timestamp, ms
 * @param maxt last deleted timestamp, ms
 */
public record Tombstone(long ref, long mint, long maxt) {}
