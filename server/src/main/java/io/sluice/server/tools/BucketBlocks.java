// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.tools;

import io.sluice.objstore.Bucket;
import io.sluice.objstore.ObjectNotFoundException;
import io.sluice.tsdb.block.BlockMeta;
import io.sluice.tsdb.block.BlockMetaFormat;
import io.sluice.tsdb.block.InvalidBlockMetaException;
import io.sluice.tsdb.block.Ulid;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The blocks of a bucket, as Thanos' meta fetcher finds them: every top-level directory whose name
 * is a ULID and that holds a {@code meta.json}. A directory without one is a partial upload and is
 * left out; a {@code meta.json} that cannot be parsed is reported to the caller and left out too.
 */
public final class BucketBlocks {
  private BucketBlocks() {}

  /** One block: its parsed meta and the {@code meta.json} bytes as stored. */
  public record Block(BlockMeta meta, byte[] json) {}

  /**
   * Reads the meta of every block of {@code bucket}, in ULID order.
   *
   * @param corrupted told the block name and the reason of each unreadable {@code meta.json}
   * @throws IOException when the bucket cannot be listed or read
   */
  public static List<Block> read(Bucket bucket, BiConsumer<String, String> corrupted)
      throws IOException {
    List<String> dirs = new ArrayList<>();
    bucket.iter(
        "",
        false,
        name -> {
          if (name.endsWith("/") && Ulid.isValid(name.substring(0, name.length() - 1))) {
            dirs.add(name.substring(0, name.length() - 1));
          }
        });
    List<Block> out = new ArrayList<>(dirs.size());
    for (String dir : dirs) {
      byte[] json;
      try (InputStream in = bucket.get(dir + "/" + BlockMetaFormat.FILE_NAME)) {
        json = in.readAllBytes();
      } catch (ObjectNotFoundException partial) {
        continue;
      }
      try {
        out.add(new Block(BlockMetaFormat.parse(json), json));
      } catch (InvalidBlockMetaException e) {
        corrupted.accept(dir, e.getMessage());
      }
    }
    return out;
  }
}
