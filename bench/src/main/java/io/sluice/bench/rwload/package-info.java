// SPDX-License-Identifier: Apache-2.0
/**
 * {@code rwload}, a Prometheus remote-write load generator.
 *
 * <p>{@link io.sluice.bench.rwload.RwLoad} is the command line. It builds a synthetic set of
 * node-exporter and kube-state-metrics like series ({@link io.sluice.bench.rwload.SeriesCatalog}),
 * encodes every request body before the timed phase ({@link io.sluice.bench.rwload.LoadEncoder}),
 * then sends them from concurrent shards ({@link io.sluice.bench.rwload.LoadRunner}) and reports
 * throughput and latency ({@link io.sluice.bench.rwload.LoadResult}). {@link
 * io.sluice.bench.rwload.RwSink} is a receiver that accepts everything, used to check that the
 * generator is not the bottleneck.
 */
package io.sluice.bench.rwload;
