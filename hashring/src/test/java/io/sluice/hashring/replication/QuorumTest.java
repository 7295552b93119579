// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.write.ErrorKind;
import io.sluice.receiver.write.WriteStatus;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The quorum and status table of {@code thanos-receive.md} §4.2–4.4: replica answers for one series
 * in, the HTTP status and gRPC code Thanos' handler would give out. "ok" is a success; the other
 * words are error classes.
 */
class QuorumTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        // rf, replicated, answers, http, grpc — upstream cases and §4.4's consequences
        Arguments.of(1, false, "ok", 200, "OK"),
        Arguments.of(1, false, "generic", 503, "Unavailable"), // "size 1 commit error"
        Arguments.of(1, false, "conflict", 409, "AlreadyExists"),
        Arguments.of(1, false, "unavailable", 503, "Unavailable"),
        Arguments.of(1, false, "not_ready", 503, "Unavailable"),
        Arguments.of(3, false, "ok ok ok", 200, "OK"),
        Arguments.of(3, false, "ok ok unavailable", 200, "OK"), // one node down
        Arguments.of(3, false, "ok unavailable unavailable", 503, "Unavailable"), // two down
        Arguments.of(3, false, "conflict conflict unavailable", 409, "AlreadyExists"),
        Arguments.of(3, false, "conflict generic ok", 503, "Unavailable"), // conflict + commit err
        Arguments.of(3, false, "conflict ok ok", 200, "OK"),
        Arguments.of(3, false, "conflict conflict ok", 409, "AlreadyExists"),
        Arguments.of(3, false, "conflict conflict conflict", 409, "AlreadyExists"),
        Arguments.of(3, false, "generic generic generic", 503, "Unavailable"),
        Arguments.of(3, false, "not_ready not_ready ok", 503, "Unavailable"),
        Arguments.of(3, false, "conflict not_ready ok", 503, "Unavailable"),
        Arguments.of(2, false, "ok unavailable", 200, "OK"), // RF=2 quorum is 1 since v0.37
        Arguments.of(2, false, "unavailable unavailable", 503, "Unavailable"),
        Arguments.of(2, false, "conflict conflict", 409, "AlreadyExists"),
        Arguments.of(4, false, "generic generic ok ok", 500, "Internal"), // no class: code reading
        Arguments.of(4, false, "generic generic generic ok", 503, "Unavailable"),
        Arguments.of(5, false, "ok ok ok unavailable unavailable", 200, "OK"),
        Arguments.of(5, false, "ok ok unavailable unavailable unavailable", 503, "Unavailable"),
        // An already replicated request is written once, locally: one answer decides.
        Arguments.of(3, true, "ok", 200, "OK"),
        Arguments.of(3, true, "conflict", 409, "AlreadyExists"),
        Arguments.of(3, true, "generic", 503, "Unavailable"));
  }

  @ParameterizedTest(name = "RF={0} replicated={1} [{2}] -> {3}")
  @MethodSource("cases")
  void answersGiveThanosStatus(int rf, boolean replicated, String answers, int http, String grpc)
      throws Exception {
    String[] a = answers.split(" ");
    Quorum q = new Quorum(1, rf, replicated, a.length);
    for (String s : a) {
      if (s.equals("ok")) {
        q.success(0);
      } else {
        q.failure(0, ErrorKind.valueOf(s.toUpperCase()), s + " error");
      }
      q.replicaWriteDone();
    }
    assertThat(q.awaitDecision(System.nanoTime())).isTrue();
    WriteStatus st = WriteStatus.of(q.result(), q.message());
    assertThat(st.httpStatus()).isEqualTo(http);
    assertThat(st.grpcCode()).isEqualTo(grpc);
    assertThat(st.message().isEmpty()).isEqualTo(http == 200);
  }

  @ParameterizedTest(name = "RF={0}: success {1}, failure {2}")
  @MethodSource("thresholds")
  void thresholdsAreThanos(int rf, int success, int failure) {
    assertThat(Quorum.successThreshold(rf, false)).isEqualTo(success);
    assertThat(Quorum.failureThreshold(rf, success)).isEqualTo(failure);
  }

  static Stream<Arguments> thresholds() {
    return Stream.of(
        Arguments.of(1, 1, 1),
        Arguments.of(2, 1, 2),
        Arguments.of(3, 2, 2),
        Arguments.of(4, 3, 2),
        Arguments.of(5, 3, 3));
  }

  @org.junit.jupiter.api.Test
  void decidesEarlyOnceEverySeriesHasQuorumAndWaitsForAllAnswersOnNonConflictFailures()
      throws Exception {
    Quorum q = new Quorum(2, 3, false, 3);
    q.success(0);
    q.success(1);
    q.replicaWriteDone();
    assertThat(q.awaitDecision(System.nanoTime())).isFalse();
    q.success(0);
    q.success(1);
    q.replicaWriteDone();
    assertThat(q.awaitDecision(System.nanoTime())).isTrue(); // third answer still out
    assertThat(q.result()).isNull();

    Quorum u = new Quorum(1, 3, false, 3);
    u.failure(0, ErrorKind.UNAVAILABLE, "down");
    u.replicaWriteDone();
    u.failure(0, ErrorKind.UNAVAILABLE, "down");
    u.replicaWriteDone();
    // Two unavailable answers fail the series but do not end the wait: a conflict could follow.
    assertThat(u.awaitDecision(System.nanoTime())).isFalse();

    Quorum c = new Quorum(1, 3, false, 3);
    c.failure(0, ErrorKind.CONFLICT, "out of order sample");
    c.replicaWriteDone();
    c.failure(0, ErrorKind.CONFLICT, "out of order sample");
    c.replicaWriteDone();
    assertThat(c.awaitDecision(System.nanoTime())).isTrue(); // two conflicts decide
    assertThat(c.result()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(c.message()).isEqualTo("out of order sample");
  }

  @org.junit.jupiter.api.Test
  void oneFailedSeriesFailsTheRequestAndUnavailableWinsOverConflict() {
    Quorum q = new Quorum(3, 3, false, 3);
    for (int r = 0; r < 3; r++) {
      q.success(0);
      q.failure(1, ErrorKind.CONFLICT, "add 1 samples: out of order sample");
      q.failure(2, ErrorKind.UNAVAILABLE, "backing off forward request for endpoint x");
      q.replicaWriteDone();
    }
    assertThat(q.anyFailed()).isTrue();
    assertThat(q.result()).isEqualTo(ErrorKind.UNAVAILABLE);
    assertThat(q.message())
        .isEqualTo(
            "2 errors: add 1 samples: out of order sample; backing off forward request for"
                + " endpoint x");
  }
}
