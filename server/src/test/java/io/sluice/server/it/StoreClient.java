// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.sluice.receiver.proto.thanos.LabelTypes.Label;
import io.sluice.receiver.proto.thanos.StoreGrpc;
import io.sluice.receiver.proto.thanos.StoreRpc.SeriesRequest;
import io.sluice.receiver.proto.thanos.StoreRpc.SeriesResponse;
import io.sluice.receiver.proto.thanos.StoreTypes.AggrChunk;
import io.sluice.receiver.proto.thanos.StoreTypes.LabelMatcher;
import io.sluice.receiver.proto.thanos.StoreTypes.Series;
import io.sluice.receiver.proto.thanos.info.InfoGrpc;
import io.sluice.tsdb.chunkenc.XorChunk;
import io.sluice.tsdb.chunkenc.XorIterator;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A plaintext gRPC client of the StoreAPI, built from the generated stubs, and decoding helpers.
 */
final class StoreClient implements AutoCloseable {
  final ManagedChannel channel;
  final StoreGrpc.StoreBlockingStub store;
  final StoreGrpc.StoreStub async;
  final InfoGrpc.InfoBlockingStub info;

  StoreClient(InetSocketAddress address) {
    this(NettyChannelBuilder.forAddress("127.0.0.1", address.getPort()));
  }

  StoreClient(NettyChannelBuilder builder) {
    channel = builder.usePlaintext().maxInboundMessageSize(Integer.MAX_VALUE).build();
    store = StoreGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    async = StoreGrpc.newStub(channel);
    info = InfoGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  static LabelMatcher eq(String name, String value) {
    return LabelMatcher.newBuilder()
        .setType(LabelMatcher.Type.EQ)
        .setName(name)
        .setValue(value)
        .build();
  }

  static SeriesRequest.Builder request(LabelMatcher... matchers) {
    SeriesRequest.Builder b =
        SeriesRequest.newBuilder().setMinTime(Long.MIN_VALUE).setMaxTime(Long.MAX_VALUE);
    for (LabelMatcher m : matchers) {
      b.addMatchers(m);
    }
    return b;
  }

  /** All responses of a Series call. */
  List<SeriesResponse> series(SeriesRequest.Builder r) {
    List<SeriesResponse> out = new ArrayList<>();
    Iterator<SeriesResponse> it = store.series(r.build());
    it.forEachRemaining(out::add);
    return out;
  }

  /** The series frames of all responses, batches flattened. */
  static List<Series> frames(List<SeriesResponse> responses) {
    List<Series> out = new ArrayList<>();
    for (SeriesResponse r : responses) {
      if (r.hasSeries()) {
        out.add(r.getSeries());
      } else if (r.hasBatch()) {
        out.addAll(r.getBatch().getSeriesList());
      }
    }
    return out;
  }

  /** {@code {a="b", c="d"}}. */
  static String text(Series s) {
    StringBuilder b = new StringBuilder("{");
    for (Label l : s.getLabelsList()) {
      if (b.length() > 1) {
        b.append(", ");
      }
      b.append(l.getName()).append("=\"").append(l.getValue()).append('"');
    }
    return b.append('}').toString();
  }

  /** The (timestamp, value bits) pairs of XOR chunks, in order. */
  static List<long[]> samples(List<AggrChunk> chunks) {
    List<long[]> out = new ArrayList<>();
    for (AggrChunk c : chunks) {
      byte[] data = c.getRaw().getData().toByteArray();
      XorIterator it = XorChunk.iterator(data, 0, data.length);
      while (it.next()) {
        out.add(new long[] {it.timestamp(), it.valueBits()});
      }
    }
    return out;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
