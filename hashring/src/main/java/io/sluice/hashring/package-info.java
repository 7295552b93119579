// SPDX-License-Identifier: Apache-2.0
/**
 * Hashring configuration, placement (hashmod, ketama) and replication. Until the hashring arrives a
 * receiver runs as Thanos' {@code IngestorOnly} mode: every series is written locally.
 */
package io.sluice.hashring;
