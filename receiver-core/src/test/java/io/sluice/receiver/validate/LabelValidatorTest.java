// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.decode.RemoteWriteDecoder;
import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.validate.LabelValidator.LabelError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xerial.snappy.Snappy;

class LabelValidatorTest {
  private final RemoteWriteDecoder decoder = new RemoteWriteDecoder(1 << 20);

  /** Decodes one series whose labels are given as "name=value,name=value". */
  private WriteBatch batch(String labels) throws Exception {
    RemoteWrite.TimeSeries.Builder ts = RemoteWrite.TimeSeries.newBuilder();
    if (!labels.isEmpty()) {
      for (String pair : labels.split(",", -1)) {
        int eq = pair.indexOf('=');
        ts.addLabels(
            RemoteWrite.Label.newBuilder()
                .setName(pair.substring(0, eq))
                .setValue(pair.substring(eq + 1)));
      }
    }
    byte[] body =
        Snappy.compress(
            RemoteWrite.WriteRequest.newBuilder().addTimeseries(ts).build().toByteArray());
    return decoder.decode(body, 0, body.length, RemoteWriteVersion.V1);
  }

  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''                                  | EMPTY_LABEL_SET",
        "__name__=up                         | NONE",
        "__name__=up,instance=a:1,job=node   | NONE",
        "=up                                 | EMPTY_NAME_OR_VALUE",
        "__name__=                           | EMPTY_NAME_OR_VALUE",
        "__name__=up,job=                    | EMPTY_NAME_OR_VALUE",
        "__name__=up,=x                      | EMPTY_NAME_OR_VALUE",
        "__name__=up,job=a,job=b             | DUPLICATE_NAME",
        "__name__=up,job=a,job=a             | DUPLICATE_NAME",
        "job=a,__name__=up                   | OUT_OF_ORDER",
        "a=1,ab=2,b=3                        | NONE",
        "ab=1,a=2                            | OUT_OF_ORDER",
        // Byte order: uppercase sorts before lowercase and before '_'.
        "Z=1,_=2,a=3                         | NONE",
        "a=1,Z=2                             | OUT_OF_ORDER",
        // Unsigned byte order: UTF-8 multi-byte names (lead byte >= 0xc2) sort after ASCII.
        "z=1,é=2                             | NONE",
        "é=1,z=2                             | OUT_OF_ORDER",
        // The first problem wins, and each label is checked for emptiness before order.
        "b=1,a=                              | EMPTY_NAME_OR_VALUE",
        "b=1,b=2,a=3                         | DUPLICATE_NAME",
        "b=1,a=2,a=3                         | OUT_OF_ORDER",
      })
  void validatesLikeThanos(String labels, LabelError want) throws Exception {
    assertThat(LabelValidator.validate(batch(labels), 0)).isEqualTo(want);
  }

  @Test
  void usesThanosWording() {
    assertThat(LabelError.EMPTY_LABEL_SET.message())
        .isEqualTo("label set contains a label with empty name or value");
    assertThat(LabelError.EMPTY_NAME_OR_VALUE.message())
        .isEqualTo("label set contains a label with empty name or value");
    assertThat(LabelError.DUPLICATE_NAME.message())
        .isEqualTo("label set contains duplicate label names");
    assertThat(LabelError.OUT_OF_ORDER.message()).isEqualTo("out of order labels");
    assertThat(LabelError.NONE.message()).isEmpty();
  }
}
