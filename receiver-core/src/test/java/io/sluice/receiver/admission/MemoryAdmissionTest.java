// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.admission;

import static io.sluice.receiver.admission.MemoryLevel.KNOWN_SERIES_ONLY;
import static io.sluice.receiver.admission.MemoryLevel.NORMAL;
import static io.sluice.receiver.admission.MemoryLevel.WRITES_REFUSED;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class MemoryAdmissionTest {
  private static final long MAX = 1_000_000_000L;

  private final long[] now = {1_000_000};
  private final InstantSource clock = () -> Instant.ofEpochMilli(now[0]);
  private final FakeHeap heap = new FakeHeap(MAX);
  private final MemoryAdmission admission =
      new MemoryAdmission(new MemoryLimits(0.80, 0.90), heap, clock);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(MemoryAdmission.class);

  @BeforeEach
  void captureLog() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void releaseLog() {
    logger.detachAppender(logged);
  }

  private List<String> messages() {
    return logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  private MemoryLevel at(double ratio) {
    heap.at(ratio);
    admission.refresh();
    return admission.level();
  }

  private void advance(long ms) {
    now[0] += ms;
  }

  @Test
  void followsTheLiveHeapThroughAnEpisodeAndRecoversByItself() {
    assertThat(admission.level()).isEqualTo(NORMAL);
    assertThat(at(0.50)).isEqualTo(NORMAL);
    assertThat(at(0.81)).isEqualTo(KNOWN_SERIES_ONLY);
    assertThat(at(0.93)).isEqualTo(WRITES_REFUSED);
    assertThat(admission.liveBytes()).isEqualTo(930_000_000L);
    assertThat(at(0.86)).isEqualTo(WRITES_REFUSED);
    assertThat(at(0.80)).isEqualTo(KNOWN_SERIES_ONLY);
    assertThat(at(0.76)).isEqualTo(KNOWN_SERIES_ONLY);
    assertThat(at(0.60)).isEqualTo(NORMAL);
  }

  @Test
  void logsTheStartEachChangeAndTheEndOfAnEpisodeOnceWhateverTheRefusals() {
    at(0.81);
    for (int i = 0; i < 1000; i++) {
      admission.rejected(KNOWN_SERIES_ONLY);
      heap.at(0.81 + (i % 5) / 1000.0);
      admission.refresh();
    }
    at(0.95);
    admission.rejected(WRITES_REFUSED);
    at(0.70);
    assertThat(messages())
        .containsExactly(
            "memory pressure: refusing writes that would create series with 503 until memory is"
                + " freed; writes of existing series are accepted",
            "memory pressure: refusing all writes with 503 until memory is freed",
            "memory pressure over: accepting all writes again");
    ILoggingEvent end = logged.list.get(2);
    assertThat(end.getKeyValuePairs().toString()).contains("refused_requests=\"1001\"");
    assertThat(admission.rejections(KNOWN_SERIES_ONLY)).isEqualTo(1000);
    assertThat(admission.rejections(WRITES_REFUSED)).isEqualTo(1);
  }

  @Test
  void neverRefusesWhenOff() {
    MemoryAdmission off = new MemoryAdmission(MemoryLimits.OFF, heap.at(0.99), clock);
    off.refresh();
    off.tick();
    assertThat(off.level()).isEqualTo(NORMAL);
    assertThat(heap.collections).isZero();
  }

  @Test
  void forcesNoCollectionOutsideAnEpisodeNorWhileTheFigureKeepsFalling() {
    heap.at(0.5);
    for (int i = 0; i < 200; i++) {
      advance(1_000);
      admission.tick();
    }
    assertThat(heap.collections).as("normal level").isZero();
    heap.at(0.89);
    admission.tick();
    for (int i = 0; i < 200; i++) {
      advance(1_000);
      heap.live -= 100;
      admission.tick();
    }
    assertThat(admission.level()).isEqualTo(KNOWN_SERIES_ONLY);
    assertThat(heap.collections).as("the collector lowers the figure on its own").isZero();
  }

  @Test
  void forcesACollectionWhenTheFigureHasNotFallenForAMinute() {
    heap.at(0.89);
    heap.liveAfterCollect = (long) (0.40 * MAX);
    admission.tick();
    for (int s = 1; s < 60; s++) {
      advance(1_000);
      admission.tick();
    }
    assertThat(heap.collections).isZero();
    advance(1_000);
    admission.tick();
    assertThat(heap.collections).isEqualTo(1);
    assertThat(admission.forcedCollections()).isEqualTo(1);
    assertThat(admission.level()).as("the collection showed memory was free").isEqualTo(NORMAL);
  }

  @Test
  void forcesACollectionSoonAfterAHeadWasTruncatedAndAtMostEveryTenSeconds() {
    heap.at(0.92);
    admission.tick();
    assertThat(admission.level()).isEqualTo(WRITES_REFUSED);
    advance(1_000);
    admission.released();
    for (int s = 1; s < 5; s++) {
      advance(1_000);
      admission.tick();
    }
    assertThat(heap.collections).isZero();
    advance(1_000);
    admission.tick();
    assertThat(heap.collections).as("5 s after the release").isEqualTo(1);
    assertThat(admission.level()).as("nothing was freed after all").isEqualTo(WRITES_REFUSED);

    admission.released();
    for (int s = 0; s < 9; s++) {
      advance(1_000);
      admission.tick();
    }
    assertThat(heap.collections).as("within 10 s of the last").isEqualTo(1);
    advance(1_000);
    heap.liveAfterCollect = (long) (0.70 * MAX);
    admission.tick();
    assertThat(heap.collections).isEqualTo(2);
    assertThat(admission.level()).isEqualTo(NORMAL);
  }

  @Test
  void aReleaseFollowedByAFallingFigureNeedsNoCollection() {
    heap.at(0.92);
    admission.tick();
    admission.released();
    advance(1_000);
    heap.at(0.91);
    admission.tick();
    for (int s = 0; s < 30; s++) {
      advance(1_000);
      admission.tick();
    }
    assertThat(heap.collections).isZero();
  }

  @Test
  void ignoresReleasesOutsideAnEpisode() {
    heap.at(0.5);
    admission.tick();
    admission.released();
    advance(30_000);
    heap.at(0.85);
    admission.tick();
    advance(6_000);
    admission.tick();
    assertThat(heap.collections).isZero();
  }
}
