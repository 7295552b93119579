// SPDX-License-Identifier: Apache-2.0
/**
 * The in-memory head of one tenant: striped series map, postings, XOR chunks, Prometheus append
 * semantics ({@link io.sluice.tsdb.head.Head}).
 */
package io.sluice.tsdb.head;
