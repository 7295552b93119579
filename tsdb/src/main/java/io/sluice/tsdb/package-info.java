// SPDX-License-Identifier: Apache-2.0
/** One tenant's time-series database: head, XOR chunks, queries. Knows nothing of tenants. */
package io.sluice.tsdb;
