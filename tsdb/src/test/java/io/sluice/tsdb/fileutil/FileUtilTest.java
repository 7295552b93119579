// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.fileutil;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileUtilTest {
  @TempDir Path tmp;

  @Test
  void writeAtomicallyReplacesTheFileAndLeavesNoTemporaryFile() throws IOException {
    Path f = tmp.resolve("meta.json");
    Files.writeString(f, "old, and longer than the new content");
    FileUtil.writeAtomically(f, "new".getBytes(StandardCharsets.UTF_8));
    assertThat(f).hasContent("new");
    assertThat(tmp.resolve("meta.json.tmp")).doesNotExist();
    try (var entries = Files.list(tmp)) {
      assertThat(entries).containsExactly(f);
    }
  }

  @Test
  void replaceDirPutsTheNewDirectoryInThePlaceOfTheOldOne() throws IOException {
    Path from = Files.createDirectories(tmp.resolve("x.tmp"));
    Files.writeString(from.resolve("new"), "n");
    Path to = Files.createDirectories(tmp.resolve("x/sub"));
    Files.writeString(to.resolve("old"), "o");
    FileUtil.replaceDir(from, tmp.resolve("x"));
    assertThat(from).doesNotExist();
    try (var entries = Files.list(tmp.resolve("x"))) {
      assertThat(entries).containsExactly(tmp.resolve("x/new"));
    }
  }

  @Test
  void deleteRecursivelyRemovesATreeButNotWhatItsLinksPointTo() throws IOException {
    Path keep = Files.createDirectories(tmp.resolve("keep"));
    Files.writeString(keep.resolve("file"), "k");
    Path tree = Files.createDirectories(tmp.resolve("tree/a/b"));
    Files.writeString(tree.resolve("file"), "x");
    Files.createSymbolicLink(tmp.resolve("tree/link"), keep);
    FileUtil.deleteRecursively(tmp.resolve("tree"));
    assertThat(tmp.resolve("tree")).doesNotExist();
    assertThat(keep.resolve("file")).hasContent("k");
    FileUtil.deleteRecursively(tmp.resolve("tree"));
  }
}
