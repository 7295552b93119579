// SPDX-License-Identifier: Apache-2.0
/**
 * The in-memory head of one tenant: striped series maps, postings, XOR chunks, Prometheus append
 * semantics ({@link io.sluice.tsdb.head.Head}).
 *
 * <p>The API is {@link io.sluice.tsdb.head.Head} (queries, truncation, lookups by key or ref),
 * {@link io.sluice.tsdb.head.HeadAppender} (a request's transaction: lookups, appends and the WAL
 * records they need), {@link io.sluice.tsdb.head.ReplayAppender} (WAL replay), {@link
 * io.sluice.tsdb.head.AppendResult} and {@link io.sluice.tsdb.head.HeadOptions}. Everything else —
 * the series ({@code MemSeries}), their maps, postings, the head's querier — is package-private:
 * other code names a series by its key or its ref, and the head keeps its own invariants.
 */
package io.sluice.tsdb.head;
