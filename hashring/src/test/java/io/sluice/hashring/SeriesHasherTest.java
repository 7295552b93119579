// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import io.sluice.receiver.decode.RemoteWriteDecoder;
import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.write.SeriesKey;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.labels.XxHash64;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

class SeriesHasherTest {
  @Test
  void hashesAsTheGoldenVectorsSay() {
    List<String[]> rows = Golden.rows("thanos-v0.42/series-hash.tsv");
    assertThat(rows).hasSize(7);
    for (String[] r : rows) {
      long h = SeriesHasher.hashOf(Golden.text(r[0]), Golden.labels(r[1]));
      assertThat(HexFormat.of().toHexDigits(h)).as(String.join(" ", r)).isEqualTo(r[2]);
    }
  }

  @Test
  void labelOrderMatters() {
    assertThat(SeriesHasher.hashOf("t", "a", "1", "b", "2"))
        .isNotEqualTo(SeriesHasher.hashOf("t", "b", "2", "a", "1"));
  }

  @Test
  void pairListsAndSortedLabelSetsHashLikeStrings() {
    assertThat(
            SeriesHasher.hashOf(
                "tenant", List.of(Map.entry("foo", "bar"), Map.entry("baz", "qux"))))
        .isEqualTo(0xe1136e903d1ed545L);
    assertThat(SeriesHasher.hashOf("default-tenant", Labels.of("job", "node", "__name__", "up")))
        .isEqualTo(0x60103fd36f09adebL);
  }

  /** A remote-write 1.0 body with the given series, each as alternating names and values. */
  static byte[] body(List<String[]> series) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    for (String[] nv : series) {
      ByteArrayOutputStream ts = new ByteArrayOutputStream();
      CodedOutputStream tsOut = CodedOutputStream.newInstance(ts);
      for (int i = 0; i < nv.length; i += 2) {
        ByteArrayOutputStream label = new ByteArrayOutputStream();
        CodedOutputStream l = CodedOutputStream.newInstance(label);
        l.writeString(1, nv[i]);
        l.writeString(2, nv[i + 1]);
        l.flush();
        tsOut.writeByteArray(1, label.toByteArray());
      }
      tsOut.flush();
      out.writeByteArray(1, ts.toByteArray());
    }
    out.flush();
    return Snappy.compress(bytes.toByteArray());
  }

  private static String randomString(Random r, int maxLen) {
    StringBuilder sb = new StringBuilder();
    int len = r.nextInt(maxLen + 1);
    for (int i = 0; i < len; i++) {
      int kind = r.nextInt(4);
      sb.appendCodePoint(
          switch (kind) {
            case 0 -> 'a' + r.nextInt(26);
            case 1 -> 0xE9;
            case 2 -> 0x4E2D;
            default -> 0x1F600;
          });
    }
    return sb.toString();
  }

  @Test
  void hashesBatchSeriesLikeTheirStrings() throws Exception {
    Random r = new Random(3);
    List<String[]> series = new ArrayList<>();
    for (int s = 0; s < 200; s++) {
      String[] nv = new String[2 * r.nextInt(8)];
      for (int i = 0; i < nv.length; i++) {
        nv[i] = randomString(r, i == 1 ? 300 : 20);
      }
      series.add(nv);
    }
    byte[] body = body(series);
    WriteBatch batch =
        new RemoteWriteDecoder(1 << 24).decode(body, 0, body.length, RemoteWriteVersion.V1);
    SeriesHasher hasher = new SeriesHasher();
    byte[] tenantA = SeriesHasher.tenantBytes("tenant-ä");
    byte[] tenantB = SeriesHasher.tenantBytes("b");
    for (int s = 0; s < series.size(); s++) {
      String tenant = s % 3 == 0 ? "b" : "tenant-ä";
      byte[] t = s % 3 == 0 ? tenantB : tenantA;
      assertThat(hasher.hash(t, batch, s)).isEqualTo(SeriesHasher.hashOf(tenant, series.get(s)));
    }
  }

  @Test
  void isTheHashTheHeadFindsTheSeriesBy() throws Exception {
    // The local writer takes a router's placement hash as the head's lookup hash: XXH64 of the
    // tenant's hash prefix and the series key, which SeriesKey builds (also with a label left out).
    List<String[]> series =
        List.of(
            new String[] {"__name__", "up", "job", "node", "instance", "a:9100"},
            new String[] {"__name__", "up", "tenant", "x", "job", "ä"},
            new String[] {});
    byte[] body = body(series);
    WriteBatch batch =
        new RemoteWriteDecoder(1 << 20).decode(body, 0, body.length, RemoteWriteVersion.V1);
    byte[] tenant = SeriesHasher.tenantBytes("tenant-ä");
    byte[] prefix = Arrays.copyOf(tenant, tenant.length + 1);
    prefix[tenant.length] = Labels.KEY_SEPARATOR;
    for (int s = 0; s < series.size(); s++) {
      for (int skip : new int[] {-1, 1}) {
        byte[] key = new byte[SeriesKey.length(batch, s, prefix.length, skip)];
        int n = SeriesKey.write(batch, s, prefix, key, skip);
        assertThat(new SeriesHasher().hash(tenant, batch, s, skip))
            .as("series %d without label %d", s, skip)
            .isEqualTo(XxHash64.hash(key, 0, n));
      }
    }
  }

  @Test
  void leavesOutASkippedLabel() throws Exception {
    byte[] body =
        body(List.<String[]>of(new String[] {"__name__", "up", "tenant", "x", "job", "n"}));
    WriteBatch batch =
        new RemoteWriteDecoder(1 << 20).decode(body, 0, body.length, RemoteWriteVersion.V1);
    long h = new SeriesHasher().hash("x".getBytes(StandardCharsets.UTF_8), batch, 0, 1);
    assertThat(h).isEqualTo(SeriesHasher.hashOf("x", "__name__", "up", "job", "n"));
  }
}
