// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.store;

import io.sluice.receiver.proto.thanos.StoreRpc.ShardInfo;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.labels.Utf8;
import io.sluice.tsdb.labels.XxHash64;
import java.util.Set;

/**
 * Keeps the series of one shard of a sharded query ({@code SeriesRequest.shard_info}), as Thanos'
 * {@code ShardMatcher}: xxHash64 over {@code name 0xFF value 0xFF} of the labels in {@code labels}
 * (when {@code by}) or of those not in it (when not {@code by}), unsigned, modulo {@code
 * total_shards}, must equal {@code shard_index}. Computed on the output label set. Not thread-safe
 * (reuses a buffer).
 */
final class ShardMatcher {
  private final boolean sharded;
  private final boolean by;
  private final Set<String> names;
  private final long total;
  private final long index;
  private byte[] buf = new byte[256];

  private ShardMatcher(boolean sharded, boolean by, Set<String> names, long total, long index) {
    this.sharded = sharded;
    this.by = by;
    this.names = names;
    this.total = total;
    this.index = index;
  }

  /**
   * The matcher of a request; matches everything when {@code total_shards < 1}.
   *
   * @throws InvalidStoreRequestException when {@code shard_index} is outside [0, total_shards)
   */
  static ShardMatcher of(ShardInfo info) throws InvalidStoreRequestException {
    if (info == null || info.getTotalShards() < 1) {
      return new ShardMatcher(false, false, Set.of(), 0, 0);
    }
    if (info.getShardIndex() < 0 || info.getShardIndex() >= info.getTotalShards()) {
      throw new InvalidStoreRequestException(
          "shard_index "
              + info.getShardIndex()
              + " is outside [0, total_shards="
              + info.getTotalShards()
              + ")");
    }
    return new ShardMatcher(
        true,
        info.getBy(),
        Set.copyOf(info.getLabelsList()),
        info.getTotalShards(),
        info.getShardIndex());
  }

  /** Whether the series with these output labels belongs to the requested shard. */
  boolean matches(Labels labels) {
    if (!sharded) {
      return true;
    }
    int pos = 0;
    for (int i = 0; i < labels.size(); i++) {
      String name = labels.name(i);
      if (names.contains(name) != by) {
        continue;
      }
      String value = labels.value(i);
      int need = pos + Utf8.encodedLength(name) + Utf8.encodedLength(value) + 2;
      if (need > buf.length) {
        byte[] b = new byte[Math.max(need, buf.length * 2)];
        System.arraycopy(buf, 0, b, 0, pos);
        buf = b;
      }
      pos = Utf8.encode(name, buf, pos);
      buf[pos++] = Labels.KEY_SEPARATOR;
      pos = Utf8.encode(value, buf, pos);
      buf[pos++] = Labels.KEY_SEPARATOR;
    }
    long h = XxHash64.hash(buf, 0, pos);
    return Long.remainderUnsigned(h, total) == index;
  }
}
