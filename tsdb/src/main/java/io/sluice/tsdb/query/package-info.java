// SPDX-License-Identifier: Apache-2.0
/**
 * The read API shared by the head and blocks: matchers, queriers, series with their stored chunks.
 */
package io.sluice.tsdb.query;
