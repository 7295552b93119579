// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.validate.LabelValidator.LabelError;
import io.sluice.tsdb.exemplar.ExemplarResult;
import io.sluice.tsdb.head.AppendResult;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The status table of {@code thanos-receive.md} §4.4, one row per error class. */
class WriteStatusTest {
  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource({
    "CONFLICT, 409, AlreadyExists",
    "NOT_READY, 503, Unavailable",
    "UNAVAILABLE, 503, Unavailable",
    "GENERIC, 500, Internal",
    "BAD_REPLICA, 400, InvalidArgument",
    "INVALID_TENANT_LABEL, 400, Internal"
  })
  void mapsEachErrorClassAsThanos(ErrorKind kind, int http, String grpc) {
    WriteStatus s = WriteStatus.of(kind, "msg");
    assertThat(s.httpStatus()).isEqualTo(http);
    assertThat(s.grpcCode()).isEqualTo(grpc);
    assertThat(s.message()).isEqualTo("msg");
  }

  @Test
  void successIs200WithAnEmptyBody() {
    assertThat(WriteStatus.of(null, "")).isEqualTo(new WriteStatus(200, "OK", ""));
    WriteOutcome o = new WriteOutcome();
    o.reset(1);
    o.sample(AppendResult.OK);
    assertThat(WriteStatus.of(o)).isEqualTo(WriteStatus.ok());
  }

  @Test
  void aLocalOutcomeWithRejectionsIsAConflictWithThanosText() {
    WriteOutcome o = new WriteOutcome();
    o.reset(2);
    o.sample(AppendResult.OUT_OF_ORDER);
    o.sample(AppendResult.OUT_OF_ORDER);
    o.invalidSeries(LabelError.DUPLICATE_NAME, 3);
    WriteStatus s = WriteStatus.of(o);
    assertThat(s.httpStatus()).isEqualTo(409);
    assertThat(s.message())
        .isEqualTo(
            "2 errors: add 1 series: "
                + LabelError.DUPLICATE_NAME.message()
                + "; add 2 samples: out of"
                + " order sample");
  }

  @Test
  void exemplarErrorsAreConflictsWordedAsThanosWriter() {
    WriteOutcome o = new WriteOutcome();
    o.reset(1);
    o.exemplar(ExemplarResult.OK);
    o.exemplar(ExemplarResult.DUPLICATE);
    o.exemplar(ExemplarResult.DISABLED);
    assertThat(WriteStatus.of(o)).isEqualTo(WriteStatus.ok());
    assertThat(o.exemplarsAppended()).isEqualTo(3);
    o.exemplar(ExemplarResult.OUT_OF_ORDER);
    o.exemplar(ExemplarResult.OUT_OF_ORDER);
    WriteStatus s = WriteStatus.of(o);
    assertThat(s.httpStatus()).isEqualTo(409);
    assertThat(s.grpcCode()).isEqualTo("AlreadyExists");
    assertThat(s.message()).isEqualTo("add 2 exemplars: out of order exemplar");
    o.exemplar(ExemplarResult.LABEL_LENGTH);
    o.sample(AppendResult.DUPLICATE_SAMPLE);
    assertThat(WriteStatus.of(o).message())
        .isEqualTo(
            "3 errors: add 1 exemplars: label length for exemplar exceeds maximum of 128 UTF-8"
                + " characters; add 1 samples: duplicate sample for timestamp; add 2 exemplars:"
                + " out of order exemplar");
    assertThat(o.exemplarsAppended()).isEqualTo(3);
  }

  @Test
  void aStorageFailureIsGenericAndWinsOverConflicts() {
    WriteOutcome o = new WriteOutcome();
    o.reset(1);
    o.sample(AppendResult.OUT_OF_ORDER);
    o.failed(new java.io.IOException("disk full"));
    assertThat(o.errorKind()).isEqualTo(ErrorKind.GENERIC);
    assertThat(o.errorMessage()).isEqualTo("write to tsdb: disk full");
  }

  @Test
  void joinDeduplicatesSortsAndCounts() {
    assertThat(WriteStatus.join(List.of("b", "a", "b"))).isEqualTo("2 errors: a; b");
    assertThat(WriteStatus.join(List.of("only"))).isEqualTo("only");
  }
}
