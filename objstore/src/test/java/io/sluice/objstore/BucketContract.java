// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link Bucket} shares, modelled on Thanos' objstore acceptance test. A
 * subclass supplies a fresh, empty bucket per test; buckets with a part size use 5 MiB so that the
 * large-object cases go through multipart uploads.
 */
public abstract class BucketContract {

  /** Bigger than two 5 MiB parts and not a multiple of the part size. */
  protected static final int LARGE_SIZE = 11 * 1024 * 1024 + 4321;

  protected Bucket bucket;

  @TempDir protected Path tmp;

  /** A new, empty bucket; closed after the test. */
  protected abstract Bucket newBucket() throws Exception;

  @BeforeEach
  public void openBucket() throws Exception {
    bucket = newBucket();
  }

  @AfterEach
  public void closeBucket() throws IOException {
    if (bucket != null) {
      bucket.close();
    }
  }

  @Test
  public void getOfMissingObjectThrowsObjectNotFoundException() {
    assertThatThrownBy(() -> bucket.get("id1/obj_1.some"))
        .isInstanceOf(ObjectNotFoundException.class)
        .hasMessageContaining("id1/obj_1.some");
    assertThatThrownBy(() -> bucket.getRange("id1/obj_1.some", 1, 3))
        .isInstanceOf(ObjectNotFoundException.class);
  }

  @Test
  public void missingObjectDoesNotExistAndHasNoAttributes() throws IOException {
    assertThat(bucket.exists("id1/obj_1.some")).isFalse();
    assertThatThrownBy(() -> bucket.attributes("id1/obj_1.some"))
        .isInstanceOf(ObjectNotFoundException.class);
  }

  @Test
  public void uploadedObjectIsReadBackWholeWithItsSize() throws IOException {
    put("id1/obj_1.some", "@test-data@");

    assertThat(read(bucket.get("id1/obj_1.some"))).isEqualTo("@test-data@");
    assertThat(bucket.exists("id1/obj_1.some")).isTrue();
    ObjectAttributes attributes = bucket.attributes("id1/obj_1.some");
    assertThat(attributes.size()).isEqualTo(11);
    assertThat(attributes.lastModified()).isAfter(Instant.parse("2020-01-01T00:00:00Z"));
  }

  @Test
  public void directoryIsNotAnObject() throws IOException {
    put("01ABC/meta.json", "{}");

    assertThat(bucket.exists("01ABC")).isFalse();
    assertThatThrownBy(() -> bucket.get("01ABC")).isInstanceOf(ObjectNotFoundException.class);
  }

  @Test
  public void rangedGetReadsTheMiddleToTheEndAndIsCutAtTheEnd() throws IOException {
    put("id1/obj_1.some", "@test-data@");

    assertThat(read(bucket.getRange("id1/obj_1.some", 1, 3))).isEqualTo("tes");
    assertThat(read(bucket.getRange("id1/obj_1.some", 0, 1))).isEqualTo("@");
    assertThat(read(bucket.getRange("id1/obj_1.some", 1, -1))).isEqualTo("test-data@");
    assertThat(read(bucket.getRange("id1/obj_1.some", 0, -1))).isEqualTo("@test-data@");
    assertThat(read(bucket.getRange("id1/obj_1.some", 3, 9999))).isEqualTo("st-data@");
    assertThat(read(bucket.getRange("id1/obj_1.some", 10, 5))).isEqualTo("@");
  }

  @Test
  public void rangedGetFromBeyondTheEndOrOfNoBytesIsEmpty() throws IOException {
    put("id1/obj_1.some", "@test-data@");

    assertThat(read(bucket.getRange("id1/obj_1.some", 11, 3))).isEmpty();
    assertThat(read(bucket.getRange("id1/obj_1.some", 124141, 3))).isEmpty();
    assertThat(read(bucket.getRange("id1/obj_1.some", 124141, -1))).isEmpty();
    assertThat(read(bucket.getRange("id1/obj_1.some", 2, 0))).isEmpty();
  }

  @Test
  public void rangedGetRejectsNegativeOffsetAndLength() {
    assertThatThrownBy(() -> bucket.getRange("a", -1, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> bucket.getRange("a", 0, -2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-2");
  }

  @Test
  public void uploadFromFileIsReadBack() throws IOException {
    Path file = tmp.resolve("index");
    Files.writeString(file, "index contents");

    bucket.upload("01ABC/index", file);

    assertThat(read(bucket.get("01ABC/index"))).isEqualTo("index contents");
    assertThat(bucket.attributes("01ABC/index").size()).isEqualTo(14);
  }

  @Test
  public void uploadOfMissingFileFailsAndCreatesNothing() {
    assertThatThrownBy(() -> bucket.upload("01ABC/index", tmp.resolve("absent")))
        .isInstanceOf(IOException.class);
    assertThat(listQuietly("", true)).isEmpty();
  }

  @Test
  public void iterListsOneLevelWithDirectoriesEndingInSlash() throws IOException {
    uploadAcceptanceObjects();

    assertThat(bucket.list("", false)).containsExactly("id1/", "id2/", "obj_5.some");
    assertThat(bucket.list("id1/", false))
        .containsExactly("id1/obj_1.some", "id1/obj_2.some", "id1/obj_3.some", "id1/sub/");
    assertThat(bucket.list("id1", false))
        .containsExactly("id1/obj_1.some", "id1/obj_2.some", "id1/obj_3.some", "id1/sub/");
    assertThat(bucket.list("id1/sub", false))
        .containsExactly("id1/sub/subobj_1.some", "id1/sub/subobj_2.some");
  }

  @Test
  public void recursiveIterListsEveryObjectAndNoDirectories() throws IOException {
    uploadAcceptanceObjects();

    assertThat(bucket.list("", true))
        .containsExactly(
            "id1/obj_1.some",
            "id1/obj_2.some",
            "id1/obj_3.some",
            "id1/sub/subobj_1.some",
            "id1/sub/subobj_2.some",
            "id2/obj_4.some",
            "obj_5.some");
    assertThat(bucket.list("id1", true))
        .containsExactly(
            "id1/obj_1.some",
            "id1/obj_2.some",
            "id1/obj_3.some",
            "id1/sub/subobj_1.some",
            "id1/sub/subobj_2.some");
  }

  @Test
  public void iterOfMissingDirectoryVisitsNothing() throws IOException {
    uploadAcceptanceObjects();

    assertThat(bucket.list("id0", false)).isEmpty();
    assertThat(bucket.list("id0/", true)).isEmpty();
    assertThat(bucket.list("obj_5.some", false)).isEmpty();
  }

  @Test
  public void iterOrdersNamesAsS3DoesByCodePoint() throws IOException {
    put("a-b", "1");
    put("a/x", "2");
    put("a0", "3");
    put("B", "4");

    // '-' (0x2D) < '/' (0x2F) < '0' (0x30); upper case before lower case.
    assertThat(bucket.list("", false)).containsExactly("B", "a-b", "a/", "a0");
    assertThat(bucket.list("", true)).containsExactly("B", "a-b", "a/x", "a0");
  }

  @Test
  public void exceptionFromVisitorStopsIteration() throws IOException {
    uploadAcceptanceObjects();
    List<String> seen = new ArrayList<>();

    assertThatThrownBy(
            () ->
                bucket.iter(
                    "",
                    true,
                    name -> {
                      seen.add(name);
                      throw new IOException("stop at " + name);
                    }))
        .isInstanceOf(IOException.class)
        .hasMessage("stop at id1/obj_1.some");
    assertThat(seen).containsExactly("id1/obj_1.some");
  }

  @Test
  public void deletedObjectIsGoneAndEmptyDirectoriesDisappear() throws IOException {
    uploadAcceptanceObjects();

    bucket.delete("id1/obj_2.some");
    bucket.delete("id2/obj_4.some");

    assertThat(bucket.exists("id1/obj_2.some")).isFalse();
    assertThatThrownBy(() -> bucket.get("id1/obj_2.some"))
        .isInstanceOf(ObjectNotFoundException.class);
    assertThat(bucket.list("id1/", false))
        .containsExactly("id1/obj_1.some", "id1/obj_3.some", "id1/sub/");
    assertThat(bucket.list("", false)).containsExactly("id1/", "obj_5.some");
  }

  @Test
  public void deletingMissingObjectIsNoOp() throws IOException {
    put("id1/obj_1.some", "x");

    bucket.delete("id1/obj_1.some");
    bucket.delete("id1/obj_1.some");
    bucket.delete("never/was");

    assertThat(bucket.list("", true)).isEmpty();
  }

  @Test
  public void uploadOverwritesExistingObject() throws IOException {
    put("01ABC/meta.json", "first version, longer");
    put("01ABC/meta.json", "second");

    assertThat(read(bucket.get("01ABC/meta.json"))).isEqualTo("second");
    assertThat(bucket.attributes("01ABC/meta.json").size()).isEqualTo(6);
    assertThat(bucket.list("", true)).containsExactly("01ABC/meta.json");
  }

  @Test
  public void namesWithBlockLayoutSpacesAndNonAsciiCharactersRoundTrip() throws IOException {
    List<String> names =
        List.of(
            "01ABC/chunks/000001",
            "tenant a/01ABC/meta.json",
            "odd+name=1&x%20y;z,w(1)!'~*@$.txt",
            "ünïcødé/日本/ß");
    for (String name : names) {
      put(name, "content of " + name);
    }

    for (String name : names) {
      assertThat(read(bucket.get(name))).isEqualTo("content of " + name);
      assertThat(bucket.exists(name)).isTrue();
    }
    assertThat(bucket.list("", true)).containsExactlyInAnyOrderElementsOf(names);
    assertThat(bucket.list("tenant a", false)).containsExactly("tenant a/01ABC/");
  }

  @Test
  public void emptyObjectRoundTrips() throws IOException {
    bucket.upload("empty", InputStream.nullInputStream(), 0);
    Path emptyFile = Files.createFile(tmp.resolve("empty-file"));
    bucket.upload("dir/empty", emptyFile);

    assertThat(read(bucket.get("empty"))).isEmpty();
    assertThat(read(bucket.getRange("empty", 0, 10))).isEmpty();
    assertThat(read(bucket.getRange("dir/empty", 0, -1))).isEmpty();
    assertThat(bucket.attributes("empty").size()).isZero();
    assertThat(bucket.exists("dir/empty")).isTrue();
  }

  @Test
  public void largeFileRoundTripsThroughMultipartUpload() throws IOException {
    byte[] content = randomBytes(LARGE_SIZE, 42);
    Path file = tmp.resolve("big");
    Files.write(file, content);

    bucket.upload("01ABC/chunks/000001", file);

    assertThat(bucket.attributes("01ABC/chunks/000001").size()).isEqualTo(LARGE_SIZE);
    assertThat(digest(bucket.get("01ABC/chunks/000001"))).isEqualTo(digest(content));
    int boundary = 5 * 1024 * 1024;
    assertThat(readBytes(bucket.getRange("01ABC/chunks/000001", boundary - 10, 20)))
        .isEqualTo(java.util.Arrays.copyOfRange(content, boundary - 10, boundary + 10));
    assertThat(readBytes(bucket.getRange("01ABC/chunks/000001", LARGE_SIZE - 5, -1)))
        .isEqualTo(java.util.Arrays.copyOfRange(content, LARGE_SIZE - 5, LARGE_SIZE));
  }

  @Test
  public void largeStreamRoundTripsThroughMultipartUpload() throws IOException {
    byte[] content = randomBytes(LARGE_SIZE, 7);

    bucket.upload("big-stream", new ByteArrayInputStream(content), content.length);

    assertThat(digest(bucket.get("big-stream"))).isEqualTo(digest(content));
  }

  @Test
  public void streamShorterThanDeclaredFailsAndLeavesNoObject() {
    assertThatThrownBy(
            () -> bucket.upload("short", new ByteArrayInputStream("12345".getBytes(UTF_8)), 10))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("declared length of 10");
    assertThat(existsQuietly("short")).isFalse();
  }

  @Test
  public void streamLongerThanDeclaredFailsAndLeavesNoObject() {
    assertThatThrownBy(
            () -> bucket.upload("long", new ByteArrayInputStream("12345".getBytes(UTF_8)), 3))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("more than its declared length of 3");
    assertThat(existsQuietly("long")).isFalse();
  }

  @Test
  public void largeStreamEndingEarlyFailsAndLeavesNoObject() {
    byte[] content = randomBytes(LARGE_SIZE - 6 * 1024 * 1024, 5);

    assertThatThrownBy(
            () -> bucket.upload("big-short", new ByteArrayInputStream(content), LARGE_SIZE))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("declared length of " + LARGE_SIZE);
    assertThat(existsQuietly("big-short")).isFalse();
  }

  @Test
  public void largeStreamLongerThanDeclaredFailsAndLeavesNoObject() {
    byte[] content = randomBytes(LARGE_SIZE + 1, 6);

    assertThatThrownBy(
            () -> bucket.upload("big-long", new ByteArrayInputStream(content), LARGE_SIZE))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("more than its declared length");
    assertThat(existsQuietly("big-long")).isFalse();
  }

  @Test
  public void concurrentUploadsAllLand() throws Exception {
    int threads = 4;
    int perThread = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    put("tenant-" + thread + "/obj-" + i, "t" + thread + "-" + i);
                    // Every thread also writes the same name: the last writer wins whole.
                    put("shared/meta.json", "writer " + thread);
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

    assertThat(bucket.list("", true)).hasSize(threads * perThread + 1);
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < perThread; i++) {
        assertThat(read(bucket.get("tenant-" + t + "/obj-" + i))).isEqualTo("t" + t + "-" + i);
      }
    }
    assertThat(read(bucket.get("shared/meta.json"))).matches("writer [0-3]");
  }

  @Test
  public void invalidNamesAreRejectedBeforeAnyRequest() {
    for (String name : List.of("", "/abs", "a/../b", "..", "a/./b", "a//b", "dir/")) {
      assertThatThrownBy(() -> bucket.get(name))
          .as(name)
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> bucket.upload(name, InputStream.nullInputStream(), 0))
          .as(name)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> bucket.list("../x", true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> bucket.list("/", true)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  public void nameIsNotBlank() {
    assertThat(bucket.name()).isNotBlank();
  }

  // ---- helpers ----

  protected void uploadAcceptanceObjects() throws IOException {
    put("id1/obj_1.some", "@test-data@");
    put("id1/obj_2.some", "@test-data2@");
    put("id1/obj_3.some", "@test-data3@");
    put("id1/sub/subobj_1.some", "@test-data4@");
    put("id1/sub/subobj_2.some", "@test-data5@");
    put("id2/obj_4.some", "@test-data6@");
    put("obj_5.some", "@test-data7@");
  }

  protected void put(String name, String content) throws IOException {
    byte[] bytes = content.getBytes(UTF_8);
    bucket.upload(name, new ByteArrayInputStream(bytes), bytes.length);
  }

  protected static String read(InputStream in) throws IOException {
    return new String(readBytes(in), UTF_8);
  }

  protected static byte[] readBytes(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  protected static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  protected static String digest(byte[] content) {
    return java.util.HexFormat.of().formatHex(sha256().digest(content));
  }

  protected static String digest(InputStream in) throws IOException {
    MessageDigest md = sha256();
    try (in;
        OutputStream out =
            new OutputStream() {
              @Override
              public void write(int b) {
                md.update((byte) b);
              }

              @Override
              public void write(byte[] b, int off, int len) {
                md.update(b, off, len);
              }
            }) {
      in.transferTo(out);
    }
    return java.util.HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private boolean existsQuietly(String name) {
    try {
      return bucket.exists(name);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private List<String> listQuietly(String dir, boolean recursive) {
    try {
      return bucket.list(dir, recursive);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
