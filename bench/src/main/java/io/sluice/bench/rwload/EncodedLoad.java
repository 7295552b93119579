// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Every request body of a run, compressed and ready to send, indexed by shard and round.
 *
 * <p>Round {@code r} of shard {@code k} holds one sample of each series of that shard, with
 * timestamp {@link #timestampMillis(int) timestampMillis(r)}. Immutable after construction and safe
 * to share between sender threads; the byte arrays must not be modified.
 */
public final class EncodedLoad {

  /**
   * One request body.
   *
   * @param data the snappy block compressed protobuf message
   * @param samples number of samples (and time series elements) in it
   * @param uncompressedBytes size of the protobuf message before compression
   */
  public record Body(byte[] data, int samples, int uncompressedBytes) {
    /** Validates the sizes. */
    public Body {
      Objects.requireNonNull(data, "data");
      if (samples < 1 || uncompressedBytes < 0) {
        throw new IllegalArgumentException(
            "bad body: samples=" + samples + " uncompressedBytes=" + uncompressedBytes);
      }
    }
  }

  private final Protocol protocol;
  private final Body[][][] bodies;
  private final long baseTimestampMillis;
  private final long intervalMillis;

  EncodedLoad(Protocol protocol, Body[][][] bodies, long baseTimestampMillis, long intervalMillis) {
    this.protocol = protocol;
    this.bodies = bodies;
    this.baseTimestampMillis = baseTimestampMillis;
    this.intervalMillis = intervalMillis;
  }

  /** Returns the protocol the bodies are encoded in. */
  public Protocol protocol() {
    return protocol;
  }

  /** Returns the number of shards. */
  public int shards() {
    return bodies.length;
  }

  /** Returns the number of rounds. */
  public int rounds() {
    return bodies.length == 0 ? 0 : bodies[0].length;
  }

  /** Returns the bodies of one shard and round, in sending order. */
  public List<Body> bodies(int shard, int round) {
    return Arrays.asList(bodies[shard][round]);
  }

  /** Returns the timestamp of every sample of round {@code round}, ms since the epoch. */
  public long timestampMillis(int round) {
    return baseTimestampMillis + round * intervalMillis;
  }

  /** Returns the number of request bodies of rounds in [fromRound, toRound). */
  public long requests(int fromRound, int toRound) {
    long n = 0;
    for (Body[][] shard : bodies) {
      for (int r = fromRound; r < toRound; r++) {
        n += shard[r].length;
      }
    }
    return n;
  }

  /** Returns the number of samples of rounds in [fromRound, toRound). */
  public long samples(int fromRound, int toRound) {
    long n = 0;
    for (Body[][] shard : bodies) {
      for (int r = fromRound; r < toRound; r++) {
        for (Body b : shard[r]) {
          n += b.samples();
        }
      }
    }
    return n;
  }

  /** Returns the total size of all compressed bodies, in bytes. */
  public long compressedBytes() {
    long n = 0;
    for (Body[][] shard : bodies) {
      for (Body[] round : shard) {
        for (Body b : round) {
          n += b.data().length;
        }
      }
    }
    return n;
  }

  /** Returns the total size of all bodies before compression, in bytes. */
  public long uncompressedBytes() {
    long n = 0;
    for (Body[][] shard : bodies) {
      for (Body[] round : shard) {
        for (Body b : round) {
          n += b.uncompressedBytes();
        }
      }
    }
    return n;
  }
}
