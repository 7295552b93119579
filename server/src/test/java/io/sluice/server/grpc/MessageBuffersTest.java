// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessageBuffersTest {
  @Test
  void keepsAtMostItsNumberOfArraysOfAtMostItsSize() {
    MessageBuffers pool = new MessageBuffers(2, 1 << 20);
    byte[] a = pool.take(100_000);
    byte[] b = pool.take(100_000);
    byte[] c = pool.take(100_000);
    assertThat(a.length).isGreaterThanOrEqualTo(100_000);
    pool.give(a);
    pool.give(b);
    pool.give(c); // the pool is full
    pool.give(new byte[2 << 20]); // too large to keep
    pool.give(null);
    assertThat(pool.pooled()).isEqualTo(2);
    assertThat(pool.take(10)).isSameAs(a);
    assertThat(pool.take(10)).isSameAs(b);
    assertThat(pool.take(10)).isNotSameAs(c);
  }

  @Test
  void aPooledArrayTooSmallForTheMessageIsReplaced() {
    MessageBuffers pool = new MessageBuffers(4, 1 << 20);
    byte[] small = pool.take(1);
    pool.give(small);
    byte[] large = pool.take(500_000);
    assertThat(large).isNotSameAs(small).hasSizeGreaterThanOrEqualTo(500_000);
    assertThat(pool.pooled()).isZero();
  }
}
