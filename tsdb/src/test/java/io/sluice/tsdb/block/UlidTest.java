// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UlidTest {
  @Test
  void parsesThePromtoolBlockIdsWhoseTimePartIsTheirCreationTime() {
    Ulid a = Ulid.parse("01M7YF9F2DBGH7TB74V9V0FB0Q");
    Ulid b = Ulid.parse("01M7YF9F3AB775E6CS8KK1M3RT");
    // promtool 2.42 created both blocks at 2026-11-21T07:14:19Z, 29 ms apart.
    assertThat(a.timestamp()).isEqualTo(1795245259853L);
    assertThat(b.timestamp()).isEqualTo(1795245259882L);
    assertThat(a.instant()).isEqualTo(Instant.parse("2026-11-21T07:14:19.853Z"));
    assertThat(a.mostSignificantBits()).isEqualTo(0x01a1fcf4bc4d5c22L);
    assertThat(a.leastSignificantBits()).isEqualTo(0x7d2ce4da7607ac17L);
    assertThat(a).isLessThan(b);
    assertThat(a.toString()).isEqualTo("01M7YF9F2DBGH7TB74V9V0FB0Q");
  }

  @Test
  void formatsTheExtremesOfTheValueRange() {
    assertThat(Ulid.of(0, 0).toString()).isEqualTo("00000000000000000000000000");
    assertThat(Ulid.of(-1, -1).toString()).isEqualTo("7ZZZZZZZZZZZZZZZZZZZZZZZZZ");
    assertThat(Ulid.parse("7ZZZZZZZZZZZZZZZZZZZZZZZZZ")).isEqualTo(Ulid.of(-1, -1));
    assertThat(Ulid.of(-1, -1).timestamp()).isEqualTo(Ulid.MAX_TIME);
  }

  @Test
  void acceptsLowerCaseAsOklogDoesButPrintsUpperCase() {
    Ulid u = Ulid.parse("01m7yf9f2dbgh7tb74v9v0fb0q");
    assertThat(u.toString()).isEqualTo("01M7YF9F2DBGH7TB74V9V0FB0Q");
    assertThat(Ulid.isValid("01m7yf9f2dbgh7tb74v9v0fb0q")).isTrue();
  }

  @Test
  void rejectsWrongLengthsCharactersOutsideTheAlphabetAndOverflow() {
    for (String bad :
        new String[] {
          "",
          "01M7YF9F2DBGH7TB74V9V0FB0",
          "01M7YF9F2DBGH7TB74V9V0FB0QQ",
          "01M7YF9F2DBGH7TB74V9V0FB0I",
          "01M7YF9F2DBGH7TB74V9V0FB0L",
          "01M7YF9F2DBGH7TB74V9V0FB0O",
          "01M7YF9F2DBGH7TB74V9V0FB0U",
          "01M7YF9F2DBGH7TB74V9V0FB0-",
          "01M7YF9F2DBGH7TB74V9V0FB0é",
          "80000000000000000000000000",
          "01M7YF9F2DBGH7TB74V9V0FB0Q.tmp-for-creation"
        }) {
      assertThat(Ulid.isValid(bad)).as(bad).isFalse();
      assertThatThrownBy(() -> Ulid.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad);
    }
    assertThat(Ulid.isValid(null)).isFalse();
  }

  @Test
  void generatesTheInjectedTimeAndRandomBitsInOrder() {
    InstantSource clock = InstantSource.fixed(Instant.ofEpochMilli(1700000000123L));
    SplittableRandom random = new SplittableRandom(42);
    List<Ulid> ids = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Ulid u = Ulid.generate(clock, random);
      assertThat(u.timestamp()).isEqualTo(1700000000123L);
      assertThat(Ulid.parse(u.toString())).isEqualTo(u);
      ids.add(u);
    }
    assertThat(ids).doesNotHaveDuplicates();
    Ulid later = Ulid.generate(InstantSource.fixed(Instant.ofEpochMilli(1700000000124L)), random);
    assertThat(ids).allSatisfy(u -> assertThat(u).isLessThan(later));
    List<String> strings = ids.stream().sorted().map(Ulid::toString).toList();
    assertThat(strings).isSorted();
  }

  @Test
  void refusesTimesOutsideFortyEightBits() {
    SplittableRandom random = new SplittableRandom(1);
    assertThatThrownBy(() -> Ulid.generate(InstantSource.fixed(Instant.ofEpochMilli(-1)), random))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                Ulid.generate(InstantSource.fixed(Instant.ofEpochMilli(Ulid.MAX_TIME + 1)), random))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
