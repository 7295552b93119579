// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.decode;

import static io.sluice.receiver.decode.Bodies.hex;
import static io.sluice.receiver.decode.Bodies.snappy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.proto.writev2.RemoteWriteV2;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RemoteWriteDecoderMalformedBodyTest {
  private static final int MAX = 1 << 20;

  private final RemoteWriteDecoder decoder = new RemoteWriteDecoder(MAX);

  private WriteBatch decode(byte[] body, RemoteWriteVersion version)
      throws RemoteWriteDecodeException {
    return decoder.decode(body, 0, body.length, version);
  }

  private static RemoteWrite.WriteRequest sampleV1() {
    RemoteWrite.WriteRequest.Builder b = RemoteWrite.WriteRequest.newBuilder();
    for (int i = 0; i < 3; i++) {
      b.addTimeseries(
          RemoteWrite.TimeSeries.newBuilder()
              .addLabels(RemoteWrite.Label.newBuilder().setName("__name__").setValue("m" + i))
              .addLabels(RemoteWrite.Label.newBuilder().setName("job").setValue("näde"))
              .addSamples(RemoteWrite.Sample.newBuilder().setValue(i).setTimestamp(-i))
              .addExemplars(RemoteWrite.Exemplar.newBuilder().setValue(1)));
    }
    return b.addMetadata(RemoteWrite.MetricMetadata.newBuilder().setHelp("h")).build();
  }

  private static RemoteWriteV2.Request sampleV2() {
    RemoteWriteV2.Request.Builder b =
        RemoteWriteV2.Request.newBuilder().addAllSymbols(List.of("", "__name__", "a", "b"));
    for (int i = 0; i < 3; i++) {
      b.addTimeseries(
          RemoteWriteV2.TimeSeries.newBuilder()
              .addAllLabelsRefs(List.of(1, 2 + i % 2))
              .addSamples(RemoteWriteV2.Sample.newBuilder().setValue(i).setTimestamp(i)));
    }
    return b.build();
  }

  @Test
  void rejectsASixByteBodyDeclaringFourGibibytesWithoutAllocatingIt() {
    byte[] body = hex("ff ff ff ff 0f 00");
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    long before = threads.getCurrentThreadAllocatedBytes();
    DecodedBodyTooLargeException e =
        catchThrowableOfType(
            DecodedBodyTooLargeException.class, () -> decode(body, RemoteWriteVersion.V1));
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertThat(e.declaredBytes()).isEqualTo(0xffff_ffffL);
    assertThat(e.limitBytes()).isEqualTo(MAX);
    assertThat(e.httpStatus()).isEqualTo(413);
    // The exception and its stack trace, nothing near the declared size.
    assertThat(allocated).isLessThan(1 << 20);
  }

  @Test
  void acceptsADeclaredLengthEqualToTheLimitAndRejectsOneByteMore() throws Exception {
    RemoteWrite.WriteRequest request = sampleV1();
    byte[] body = snappy(request);
    int size = request.getSerializedSize();

    assertThat(
            new RemoteWriteDecoder(size)
                .decode(body, 0, body.length, RemoteWriteVersion.V1)
                .seriesCount())
        .isEqualTo(3);
    assertThatThrownBy(
            () ->
                new RemoteWriteDecoder(size - 1)
                    .decode(body, 0, body.length, RemoteWriteVersion.V1))
        .isInstanceOf(DecodedBodyTooLargeException.class);
  }

  @Test
  void rejectsALengthHeaderThatDoesNotFitIn32BitsAsCorruptSnappy() {
    for (String body : List.of("80 80 80 80 10", "ff ff ff ff ff 01 00", "80 80", "")) {
      assertThatThrownBy(() -> decode(hex(body), RemoteWriteVersion.V1))
          .as(body)
          .isInstanceOf(SnappyDecodeException.class)
          .hasMessageStartingWith("snappy decode error");
    }
  }

  @Test
  void rejectsCorruptSnappyWith400() {
    byte[] body = snappy(sampleV1());
    // A copy whose offset points before the start of the output.
    byte[] corrupt = Bodies.concat(hex("0a 02 ff ff"), new byte[8]);

    for (byte[] b : List.of(corrupt, Arrays.copyOf(body, body.length + 3), hex("05 00 61"))) {
      SnappyDecodeException e =
          catchThrowableOfType(SnappyDecodeException.class, () -> decode(b, RemoteWriteVersion.V1));
      assertThat(e).hasMessageStartingWith("snappy decode error");
      assertThat(e.httpStatus()).isEqualTo(400);
    }
  }

  @Test
  void rejectsTheSnappyFramedFormatWithAMessageThatNamesIt() {
    byte[] body =
        Bodies.concat(
            hex("ff 06 00 00 73 4e 61 50 70 59"), hex("01 09 00 00 00 00 00 00 00 00 00"));

    assertThatThrownBy(() -> decode(body, RemoteWriteVersion.V1))
        .isInstanceOf(SnappyDecodeException.class)
        .hasMessageStartingWith("snappy decode error")
        .hasMessageContaining("framed format");
  }

  @Test
  void rejectsEveryTruncationOfTheCompressedBodyAsCorruptSnappy() {
    byte[] body = snappy(sampleV1());

    for (int k = 0; k < body.length; k++) {
      byte[] truncated = Arrays.copyOf(body, k);
      assertThatThrownBy(() -> decode(truncated, RemoteWriteVersion.V1))
          .as("truncated at %d", k)
          .isInstanceOf(SnappyDecodeException.class);
    }
  }

  @Test
  void decodesEveryTruncationOfARemoteWrite1MessageAsAnErrorOrAPrefix() throws Exception {
    RemoteWrite.WriteRequest request = sampleV1();
    assertTruncationsFailOrDecodePrefix(
        request.toByteArray(), RemoteWriteVersion.V1, DecodedSeries.of(request));
  }

  @Test
  void decodesEveryTruncationOfARemoteWrite2MessageAsAnErrorOrAPrefix() throws Exception {
    RemoteWriteV2.Request request = sampleV2();
    assertTruncationsFailOrDecodePrefix(
        request.toByteArray(), RemoteWriteVersion.V2, DecodedSeries.of(request));
  }

  private void assertTruncationsFailOrDecodePrefix(
      byte[] message, RemoteWriteVersion version, List<DecodedSeries> full) throws Exception {
    int failures = 0;
    List<Integer> prefixes = new ArrayList<>();
    for (int k = 0; k <= message.length; k++) {
      byte[] body = snappy(Arrays.copyOf(message, k));
      WriteBatch batch;
      try {
        batch = decode(body, version);
      } catch (ProtobufDecodeException e) {
        failures++;
        continue;
      }
      List<DecodedSeries> decoded = DecodedSeries.of(batch);
      assertThat(decoded.size()).as("truncated at %d", k).isLessThanOrEqualTo(full.size());
      assertThat(decoded).as("truncated at %d", k).isEqualTo(full.subList(0, decoded.size()));
      prefixes.add(decoded.size());
    }
    assertThat(prefixes).as("complete message decodes").endsWith(full.size());
    assertThat(prefixes).as("message boundaries decode as prefixes").contains(0, 1, 2);
    assertThat(failures).as("cuts inside a message fail").isGreaterThan(message.length / 2);
  }

  @Test
  void rejectsGarbageWithAProtobufErrorOrDecodesIt() {
    Random random = new Random(42);
    int rejected = 0;
    for (int i = 0; i < 5000; i++) {
      byte[] garbage = new byte[random.nextInt(64)];
      random.nextBytes(garbage);
      for (RemoteWriteVersion version : RemoteWriteVersion.values()) {
        try {
          decode(snappy(garbage), version);
        } catch (ProtobufDecodeException e) {
          rejected++;
        } catch (RemoteWriteDecodeException e) {
          throw new AssertionError("garbage " + Arrays.toString(garbage), e);
        }
      }
    }
    assertThat(rejected).isGreaterThan(5000);
  }

  @Test
  void rejectsRandomlyMutatedBodiesOnlyWithDecodeExceptions() {
    byte[][] messages = {sampleV1().toByteArray(), sampleV2().toByteArray()};
    Random random = new Random(7);
    for (int i = 0; i < 5000; i++) {
      RemoteWriteVersion version = RemoteWriteVersion.values()[i % 2];
      byte[] mutated = messages[i % 2].clone();
      for (int m = 1 + random.nextInt(3); m > 0; m--) {
        mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
      }
      byte[] body = snappy(mutated);
      if (random.nextInt(4) == 0) {
        body[random.nextInt(body.length)] ^= (byte) (1 << random.nextInt(8));
      }
      try {
        decode(body, version);
      } catch (ProtobufDecodeException | SnappyDecodeException | DecodedBodyTooLargeException e) {
        assertThat(e.httpStatus()).isIn(400, 413);
      } catch (RemoteWriteDecodeException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void rejectsDeeplyNestedGroupsWithoutOverflowingTheStack() {
    byte[] nested = new byte[200_000];
    Arrays.fill(nested, (byte) 0x2b); // field 5, START_GROUP, over and over
    for (RemoteWriteVersion version : RemoteWriteVersion.values()) {
      assertThatThrownBy(() -> decode(snappy(nested), version))
          .isInstanceOf(ProtobufDecodeException.class);
    }
  }

  @Test
  void rejectsAnEndGroupTagWithoutAStartGroup() {
    byte[] body = snappy(hex("2c"));

    assertThatThrownBy(() -> decode(body, RemoteWriteVersion.V1))
        .isInstanceOf(ProtobufDecodeException.class)
        .hasMessageContaining("end-group");
  }

  @Test
  void rejectsFieldNumberZero() {
    assertThatThrownBy(() -> decode(snappy(hex("00 00")), RemoteWriteVersion.V1))
        .isInstanceOf(ProtobufDecodeException.class)
        .hasMessageStartingWith("protobuf decode error");
  }

  @Test
  void rejectsALengthThatRunsPastTheEnclosingMessage() {
    // A TimeSeries of 4 bytes whose Label claims 10.
    byte[] body = snappy(hex("0a 04 0a 0a 0a 00"));

    assertThatThrownBy(() -> decode(body, RemoteWriteVersion.V1))
        .isInstanceOf(ProtobufDecodeException.class)
        .satisfies(e -> assertThat(((RemoteWriteDecodeException) e).httpStatus()).isEqualTo(400));
  }

  @Test
  void checksThatOffsetAndLengthLieInsideTheArray() {
    assertThatThrownBy(() -> decoder.decode(new byte[4], 2, 3, RemoteWriteVersion.V1))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void rejectsANegativeLimit() {
    assertThatThrownBy(() -> new RemoteWriteDecoder(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }
}
