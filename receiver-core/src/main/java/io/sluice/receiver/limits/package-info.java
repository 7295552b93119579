// SPDX-License-Identifier: Apache-2.0
/**
 * Thanos receive's write limits (reference {@code thanos-receive.md} §10): the limits YAML ({@link
 * io.sluice.receiver.limits.LimitsConfig}), the per-request and head-series decisions ({@link
 * io.sluice.receiver.limits.WriteLimiter}) and the concurrent-request gate ({@link
 * io.sluice.receiver.limits.WriteGate}). Nothing here knows HTTP, Netty or metrics registries: the
 * server calls the decisions and binds the counts to its metrics.
 */
package io.sluice.receiver.limits;
