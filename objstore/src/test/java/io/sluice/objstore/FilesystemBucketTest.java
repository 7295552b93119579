// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class FilesystemBucketTest extends BucketContract {

  private Path root;

  @Override
  protected Bucket newBucket() {
    root = tmp.resolve("bucket");
    return new FilesystemBucket(root);
  }

  @Test
  void checkPassesOnAWritableRootAndNamesAMissingOne() throws IOException {
    Files.createDirectories(root);
    bucket.check();

    FilesystemBucket missing = new FilesystemBucket(tmp.resolve("nowhere"));
    assertThatThrownBy(missing::check)
        .isInstanceOf(java.nio.file.NoSuchFileException.class)
        .hasMessageContaining(tmp.resolve("nowhere").toString());
  }

  @Test
  void storesObjectsAsPlainFilesInThanosLayout() throws IOException {
    put("01ABC/chunks/000001", "chunk");

    assertThat(root.resolve("01ABC/chunks/000001")).hasContent("chunk");
    try (var entries = Files.list(root.resolve("01ABC/chunks"))) {
      assertThat(entries).containsExactly(root.resolve("01ABC/chunks/000001"));
    }
  }

  @Test
  void readsObjectsThatAnotherProcessWroteAsFiles() throws IOException {
    Files.createDirectories(root.resolve("01ABC"));
    Files.writeString(root.resolve("01ABC/meta.json"), "{\"version\":1}");

    assertThat(read(bucket.get("01ABC/meta.json"))).isEqualTo("{\"version\":1}");
    assertThat(bucket.list("", false)).containsExactly("01ABC/");
  }

  @Test
  void deletingLastObjectRemovesEmptyParentsButNotTheRoot() throws IOException {
    put("01ABC/chunks/000001", "chunk");
    put("01ABC/index", "index");

    bucket.delete("01ABC/chunks/000001");
    assertThat(root.resolve("01ABC/chunks")).doesNotExist();
    assertThat(root.resolve("01ABC")).isDirectory();

    bucket.delete("01ABC/index");
    assertThat(root.resolve("01ABC")).doesNotExist();
    assertThat(root).isDirectory();
  }

  @Test
  void deletingDirectoryNameLeavesItsObjects() throws IOException {
    put("01ABC/index", "index");

    bucket.delete("01ABC");

    assertThat(bucket.exists("01ABC/index")).isTrue();
  }

  @Test
  void leftoverTemporaryFilesOfCrashedUploadsAreInvisible() throws IOException {
    put("01ABC/index", "index");
    Files.writeString(root.resolve("01ABC/.sluice-upload-1234"), "partial");
    Files.createDirectories(root.resolve("02DEF"));
    Files.writeString(root.resolve("02DEF/.sluice-upload-5678"), "partial");

    assertThat(bucket.list("", false)).containsExactly("01ABC/");
    assertThat(bucket.list("", true)).containsExactly("01ABC/index");
  }

  @Test
  void temporaryFilePrefixIsReservedForObjectNames() {
    assertThatThrownBy(() -> bucket.upload("a/.sluice-upload-x", InputStream.nullInputStream(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reserved");
  }

  @Test
  void failedUploadLeavesNoTemporaryFileBehind() throws IOException {
    put("01ABC/index", "old");

    assertThatThrownBy(
            () -> bucket.upload("01ABC/index", new java.io.ByteArrayInputStream(new byte[3]), 10))
        .isInstanceOf(IOException.class);

    try (var entries = Files.list(root.resolve("01ABC"))) {
      assertThat(entries).containsExactly(root.resolve("01ABC/index"));
    }
    assertThat(read(bucket.get("01ABC/index"))).isEqualTo("old");
  }

  @Test
  void objectAndDirectoryCannotShareAName() throws IOException {
    put("a/b", "x");

    assertThatThrownBy(() -> put("a", "y")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> put("a/b/c", "z")).isInstanceOf(IOException.class);
    assertThat(bucket.list("", true)).containsExactly("a/b");
  }

  @Test
  void symbolicLinksAreNotFollowedWhenListing() throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "s");
    put("real", "r");
    Files.createSymbolicLink(root.resolve("link"), outside);

    assertThat(bucket.list("", true)).containsExactly("real");
  }

  @Test
  void uploadsRacingWithDeletesThatRemoveSharedParentsNeverFail() throws Exception {
    int rounds = 300;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (String name : List.of("t/01ABC/chunks/000001", "t/01ABC/index")) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < rounds; i++) {
                    put(name, "round " + i);
                    assertThat(read(bucket.get(name))).isEqualTo("round " + i);
                    bucket.delete(name);
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }

    assertThat(bucket.list("", true)).isEmpty();
    assertThat(root.resolve("t")).doesNotExist();
  }

  @Test
  void nameIsFsAndTheAbsoluteRootAsInThanos() {
    assertThat(bucket.name()).isEqualTo("fs: " + root.toAbsolutePath().normalize());
  }

  @Test
  void relativeRootIsResolvedAgainstTheWorkingDirectory() {
    FilesystemBucket relative = new FilesystemBucket(Path.of("data", "..", "bucket"));

    assertThat(relative.root()).isEqualTo(Path.of("bucket").toAbsolutePath());
  }
}
