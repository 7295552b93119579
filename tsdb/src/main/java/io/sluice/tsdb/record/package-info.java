// SPDX-License-Identifier: Apache-2.0
/**
 * WAL record payloads, byte-compatible with Prometheus 2.42 ({@code tsdb/record/record.go}): the
 * {@link io.sluice.tsdb.record.RecordFormat grammar}, an allocation-free {@link
 * io.sluice.tsdb.record.RecordEncoder} for the write path and a {@link
 * io.sluice.tsdb.record.RecordDecoder} with streaming and value-object views for replay.
 */
package io.sluice.tsdb.record;
