// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.receiver.admission.BodyBudget;
import io.sluice.receiver.write.WriteOutcome;
import io.sluice.receiver.write.WriteRequest;
import io.sluice.receiver.write.Writer;
import io.sluice.upstream.thanos.labelpb.Types.Label;
import io.sluice.upstream.thanos.prompb.Types.Sample;
import io.sluice.upstream.thanos.prompb.Types.TimeSeries;
import io.sluice.upstream.thanos.storepb.Rpc.WriteRequest.Builder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WriteableServiceTest {
  /** Records the tenant and series count of every write and succeeds. */
  private static final class RecordingWriter implements Writer {
    final List<String> writes = new ArrayList<>();

    @Override
    public void write(WriteRequest request, WriteOutcome outcome) {
      writes.add(request.tenant() + ":" + request.seriesCount());
    }
  }

  private static byte[] message(String tenant, int series) {
    Builder b = io.sluice.upstream.thanos.storepb.Rpc.WriteRequest.newBuilder().setTenant(tenant);
    for (int i = 0; i < series; i++) {
      b.addTimeseries(
          TimeSeries.newBuilder()
              .addLabels(Label.newBuilder().setName("__name__").setValue("up"))
              .addLabels(Label.newBuilder().setName("i").setValue(Integer.toString(i)))
              .addSamples(Sample.newBuilder().setTimestamp(1_700_000_000_000L).setValue(i)));
    }
    return b.build().toByteArray();
  }

  @Test
  void aMessageThatDoesNotFitTheBodyBudgetIsUnavailableAndNotWrittenThenFitsOnceBytesAreFreed() {
    byte[] message = message("t", 20);
    BodyBudget budget = new BodyBudget(message.length + 10L);
    RecordingWriter writer = new RecordingWriter();
    WriteableService service =
        new WriteableService(writer, () -> true, new SimpleMeterRegistry(), budget);

    assertThat(budget.tryAcquire(11)).isTrue(); // an HTTP body in flight
    Status refused = service.write(message);
    assertThat(refused.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(refused.getDescription())
        .isEqualTo("memory pressure: too many request bodies in flight");
    assertThat(writer.writes).isEmpty();
    assertThat(budget.refused()).isEqualTo(1);
    assertThat(budget.inFlight()).isEqualTo(11);

    budget.release(11);
    assertThat(service.write(message).getCode()).isEqualTo(Status.Code.OK);
    assertThat(writer.writes).containsExactly("t:20");
    assertThat(budget.inFlight()).isZero();
  }

  @Test
  void aMessageThatDoesNotParseGivesItsBytesBack() {
    BodyBudget budget = new BodyBudget(1000);
    WriteableService service =
        new WriteableService(new RecordingWriter(), () -> true, new SimpleMeterRegistry(), budget);
    Status s = service.write(new byte[] {0x0a, 0x7f, 0x0a, 0x02});
    assertThat(s.getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(budget.inFlight()).isZero();
  }

  @Test
  void aMessageIsDecodedFromItsLengthAloneInALargerPooledArray() {
    byte[] message = message("t", 20);
    byte[] pooled = java.util.Arrays.copyOf(message, message.length + 100);
    java.util.Arrays.fill(pooled, message.length, pooled.length, (byte) 0x7f); // not a message
    RecordingWriter writer = new RecordingWriter();
    WriteableService service =
        new WriteableService(
            writer, () -> true, new SimpleMeterRegistry(), new BodyBudget(1 << 20));
    assertThat(service.write(pooled, message.length).getCode()).isEqualTo(Status.Code.OK);
    assertThat(writer.writes).containsExactly("t:20");
  }

  @Test
  void theMarshallerReadsSnappyAndUncompressedMessagesWholeIntoPooledArrays() throws Exception {
    byte[] message = message("t", 20_000); // several 64 KiB snappy chunks
    java.io.ByteArrayOutputStream compressed = new java.io.ByteArrayOutputStream();
    try (java.io.OutputStream os =
        io.sluice.hashring.replication.SnappyCodec.instance().compress(compressed)) {
      os.write(message);
    }
    WriteableService.MessageMarshaller marshaller = new WriteableService.MessageMarshaller();
    // As gRPC hands a compressed message over: the decompressor's stream behind a filter.
    java.io.InputStream framed =
        new java.io.FilterInputStream(
            io.sluice.hashring.replication.SnappyCodec.instance()
                .decompress(new java.io.ByteArrayInputStream(compressed.toByteArray()))) {};
    WriteableService.Message m = marshaller.parse(framed);
    assertThat(java.util.Arrays.copyOf(m.bytes, m.length)).isEqualTo(message);

    WriteableService.MessageMarshaller.BUFFERS.give(m.bytes);
    WriteableService.Message again = marshaller.parse(new KnownLengthStream(message));
    assertThat(java.util.Arrays.copyOf(again.bytes, again.length)).isEqualTo(message);
    assertThat(again.bytes).isSameAs(m.bytes);
  }

  /** An uncompressed message as gRPC hands it over: a stream that knows its length. */
  private static final class KnownLengthStream extends java.io.ByteArrayInputStream
      implements io.grpc.KnownLength {
    KnownLengthStream(byte[] b) {
      super(b);
    }
  }
}
