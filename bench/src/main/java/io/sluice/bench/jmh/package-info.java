// SPDX-License-Identifier: Apache-2.0
/**
 * JMH benchmarks of the write hot path: remote-write decoding, head append of known series, the
 * whole local write of a decoded request, and the xxHash64 and XOR chunk primitives. Results,
 * command lines and their reading are in {@code bench/JMH.md}.
 */
package io.sluice.bench.jmh;
