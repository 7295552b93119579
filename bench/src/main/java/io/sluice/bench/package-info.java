// SPDX-License-Identifier: Apache-2.0
/** JMH benchmarks and the rwload remote-write load generator. */
package io.sluice.bench;
