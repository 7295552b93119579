// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.block;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockDirsTest {
  private static final Ulid A = Ulid.parse("01M7YF9F2DBGH7TB74V9V0FB0Q");
  private static final Ulid B = Ulid.parse("01M7YF9F3AB775E6CS8KK1M3RT");

  @TempDir Path data;

  private List<String> names() throws IOException {
    try (var s = Files.list(data)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void buildsABlockUnderItsCreationNameAndRenamesItIntoPlace() throws IOException {
    Path tmp = BlockDirs.createTemporary(data, A);
    assertThat(tmp.getFileName().toString())
        .isEqualTo("01M7YF9F2DBGH7TB74V9V0FB0Q.tmp-for-creation");
    Files.createDirectories(tmp.resolve("chunks"));
    Files.writeString(tmp.resolve("chunks/000001"), "c");
    Files.writeString(tmp.resolve("index"), "i");
    assertThat(BlockDirs.blockIds(data)).isEmpty();

    Path dir = BlockDirs.commit(data, A);

    assertThat(dir).isEqualTo(data.resolve("01M7YF9F2DBGH7TB74V9V0FB0Q"));
    assertThat(names()).containsExactly("01M7YF9F2DBGH7TB74V9V0FB0Q");
    assertThat(Files.readString(dir.resolve("chunks/000001"))).isEqualTo("c");
    assertThat(BlockDirs.blockIds(data)).containsExactly(A);
  }

  @Test
  void startsFromAnEmptyCreationDirEvenIfACrashLeftOneBehind() throws IOException {
    Path leftover = data.resolve(A + ".tmp-for-creation");
    Files.createDirectories(leftover.resolve("chunks"));
    Files.writeString(leftover.resolve("chunks/000001"), "stale");
    Path tmp = BlockDirs.createTemporary(data, A);
    try (var s = Files.list(tmp)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void deletesABlockThroughItsDeletionName() throws IOException {
    Files.createDirectories(data.resolve(A.toString()).resolve("chunks"));
    Files.writeString(data.resolve(A.toString()).resolve("chunks/000001"), "c");
    Files.createDirectories(data.resolve(B.toString()));
    BlockDirs.delete(data, A);
    BlockDirs.delete(data, A);
    assertThat(names()).containsExactly(B.toString());
  }

  @Test
  void removesLeftoverTemporaryBlockDirsAtStartupAndKeepsEverythingElse() throws IOException {
    for (String name :
        List.of(
            A + ".tmp-for-creation",
            B + ".tmp-for-deletion",
            A + ".tmp",
            B.toString(),
            "wal",
            "chunks_head",
            "not-a-ulid.tmp-for-creation",
            "checkpoint.00000001.tmp")) {
      Files.createDirectories(data.resolve(name).resolve("sub"));
    }
    Files.writeString(data.resolve(A + ".tmp-for-creation/sub/index"), "x");
    Files.writeString(data.resolve("lock"), "");

    List<Path> removed = BlockDirs.removeTemporaryDirs(data);

    assertThat(removed)
        .containsExactly(
            data.resolve(A + ".tmp"),
            data.resolve(A + ".tmp-for-creation"),
            data.resolve(B + ".tmp-for-deletion"));
    assertThat(names())
        .containsExactly(
            B.toString(),
            "checkpoint.00000001.tmp",
            "chunks_head",
            "lock",
            "not-a-ulid.tmp-for-creation",
            "wal");
  }

  @Test
  void recognisesOnlyStrictUlidsAsBlockNames() {
    assertThat(BlockDirs.isBlockDirName("01M7YF9F2DBGH7TB74V9V0FB0Q")).isTrue();
    assertThat(BlockDirs.isBlockDirName("01M7YF9F2DBGH7TB74V9V0FB0Q.tmp-for-creation")).isFalse();
    assertThat(BlockDirs.isBlockDirName("wal")).isFalse();
    assertThat(BlockDirs.isTemporaryBlockDirName("01M7YF9F2DBGH7TB74V9V0FB0Q.tmp-for-deletion"))
        .isTrue();
    assertThat(BlockDirs.isTemporaryBlockDirName("01M7YF9F2DBGH7TB74V9V0FB0Q")).isFalse();
  }
}
