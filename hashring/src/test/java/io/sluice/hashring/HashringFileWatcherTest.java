// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashringFileWatcherTest {
  private static final String ONE = "[{\"hashring\": \"r\", \"endpoints\": [\"a:10901\"]}]";
  private static final String TWO =
      "[{\"hashring\": \"r\", \"tenants\": [\"t\"], \"endpoints\": [\"a:10901\", \"b:10901\"]}]";

  @TempDir Path dir;
  private final LinkedBlockingQueue<MultiHashring> rings = new LinkedBlockingQueue<>();
  private final InstantSource clock =
      InstantSource.fixed(Instant.ofEpochSecond(1_700_000_000, 500_000_000));
  private HashringFileWatcher watcher;

  private HashringFileWatcher watcher(Path file, Duration interval, int rf) {
    watcher =
        new HashringFileWatcher(
            file,
            interval,
            HashringFileWatcher.Builder.of(HashringAlgorithm.KETAMA, rf),
            rings::add,
            clock);
    return watcher;
  }

  @AfterEach
  void close() {
    if (watcher != null) {
      watcher.close();
    }
  }

  private static List<String> addresses(MultiHashring ring) {
    return ring.nodes().stream().map(Endpoint::address).toList();
  }

  @Test
  void startLoadsTheFileAndReportsItLikeThanos() throws Exception {
    Path file = Files.writeString(dir.resolve("hashrings.json"), ONE);
    HashringFileWatcher w = watcher(file, Duration.ofHours(1), 1);
    assertThat(w.lastReloadSuccessful()).isZero();
    MultiHashring first = w.start(false);
    assertThat(rings.poll()).isSameAs(first).isSameAs(w.current());
    assertThat(addresses(first)).containsExactly("a:10901");
    assertThat(w.refreshesTotal()).isEqualTo(1);
    assertThat(w.changesTotal()).isEqualTo(1);
    assertThat(w.errorsTotal()).isZero();
    assertThat(w.lastReloadSuccessful()).isEqualTo(1);
    assertThat(w.lastReloadSuccessTimestampSeconds()).isEqualTo(1_700_000_000.5);
    assertThat(w.configHash()).isEqualTo(HashringFile.configHash(Files.readAllBytes(file)));
    assertThat(w.hashringNodes()).containsEntry("r", 1);
    assertThat(w.hashringTenants()).containsEntry("r", 0);
  }

  @Test
  void aChangedFileGivesTheListenerTheNewRing() throws Exception {
    Path file = Files.writeString(dir.resolve("hashrings.json"), ONE);
    HashringFileWatcher w = watcher(file, Duration.ofHours(1), 1);
    w.start(false);
    rings.clear();
    Files.writeString(file, TWO);
    assertThat(w.refresh()).isTrue();
    MultiHashring next = rings.poll();
    assertThat(addresses(next)).containsExactly("a:10901", "b:10901");
    assertThat(w.current()).isSameAs(next);
    assertThat(w.changesTotal()).isEqualTo(2);
    assertThat(w.hashringNodes()).containsEntry("r", 2);
    assertThat(w.hashringTenants()).containsEntry("r", 1);
  }

  @Test
  void unchangedContentIsNoUpdate() throws Exception {
    Path file = Files.writeString(dir.resolve("hashrings.json"), ONE);
    HashringFileWatcher w = watcher(file, Duration.ofHours(1), 1);
    MultiHashring first = w.start(false);
    rings.clear();
    Files.writeString(file, ONE);
    assertThat(w.refresh()).isFalse();
    assertThat(rings).isEmpty();
    assertThat(w.current()).isSameAs(first);
    assertThat(w.refreshesTotal()).isEqualTo(2);
    assertThat(w.changesTotal()).isEqualTo(1);
  }

  @Test
  void anInvalidFileKeepsTheOldRingAndCountsAnError() throws Exception {
    Path file = Files.writeString(dir.resolve("hashrings.json"), ONE);
    HashringFileWatcher w = watcher(file, Duration.ofHours(1), 1);
    MultiHashring first = w.start(false);
    rings.clear();
    for (String bad : List.of("[{\"endpoints\": [", "[]")) {
      Files.writeString(file, bad);
      assertThat(w.refresh()).isFalse();
    }
    Files.delete(file);
    assertThat(w.refresh()).isFalse();
    assertThat(w.errorsTotal()).isEqualTo(3);
    assertThat(w.current()).isSameAs(first);
    assertThat(rings).isEmpty();
    // As in Thanos, a failure does not reset the success gauge.
    assertThat(w.lastReloadSuccessful()).isEqualTo(1);
    Files.writeString(file, TWO);
    assertThat(w.refresh()).isTrue();
  }

  @Test
  void aFileThatCannotBeBuiltKeepsTheOldRingAtRuntimeButFailsAtStart() throws Exception {
    Path file = Files.writeString(dir.resolve("hashrings.json"), TWO);
    HashringFileWatcher w = watcher(file, Duration.ofHours(1), 2);
    MultiHashring first = w.start(false);
    Files.writeString(file, ONE); // ketama with 1 endpoint and RF 2
    assertThat(w.refresh()).isFalse();
    assertThat(w.refresh()).isFalse();
    assertThat(w.errorsTotal()).isEqualTo(2);
    assertThat(w.changesTotal()).isEqualTo(1);
    assertThat(w.current()).isSameAs(first);

    HashringFileWatcher fresh = watcher(file, Duration.ofHours(1), 2);
    assertThatThrownBy(() -> fresh.start(false))
        .isInstanceOf(InvalidHashringException.class)
        .hasMessage("ketama: amount of endpoints needs to be larger than replication factor");
    w.close();
  }

  @Test
  void aMissingOrInvalidFileFailsStart() throws Exception {
    assertThatThrownBy(() -> watcher(dir.resolve("none.json"), Duration.ofHours(1), 1).start())
        .isInstanceOf(HashringConfigException.class);
    Path file = Files.writeString(dir.resolve("h.json"), "[]");
    assertThatThrownBy(() -> watcher(file, Duration.ofHours(1), 1).start())
        .isInstanceOf(HashringConfigException.class)
        .hasMessageEndingWith("configuration file is empty");
  }

  @Test
  void aWriteToTheFileIsPickedUpWithoutARefreshTick() throws Exception {
    Path file = Files.writeString(dir.resolve("hashrings.json"), ONE);
    HashringFileWatcher w = watcher(file, Duration.ofHours(1), 1);
    w.start();
    rings.clear();
    Path tmp = Files.writeString(dir.resolve(".tmp"), TWO);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    MultiHashring next = rings.poll(60, TimeUnit.SECONDS);
    assertThat(next).isNotNull();
    assertThat(addresses(next)).containsExactly("a:10901", "b:10901");
  }

  @Test
  void aConfigMapStyleSymlinkSwapIsPickedUp() throws Exception {
    // Kubernetes: hashrings.json -> ..data/hashrings.json, ..data -> ..2026_01, and an update
    // writes ..2026_02 and renames a new ..data link over the old one.
    Path v1 = Files.createDirectory(dir.resolve("..2026_01"));
    Files.writeString(v1.resolve("hashrings.json"), ONE);
    Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
    Path file =
        Files.createSymbolicLink(dir.resolve("hashrings.json"), Path.of("..data/hashrings.json"));
    HashringFileWatcher w = watcher(file, Duration.ofHours(1), 1);
    assertThat(addresses(w.start())).containsExactly("a:10901");
    rings.clear();

    Path v2 = Files.createDirectory(dir.resolve("..2026_02"));
    Files.writeString(v2.resolve("hashrings.json"), TWO);
    Path link = Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
    Files.move(
        link,
        dir.resolve("..data"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    Files.delete(v1.resolve("hashrings.json"));
    Files.delete(v1);

    MultiHashring next = rings.poll(60, TimeUnit.SECONDS);
    assertThat(next).isNotNull();
    assertThat(addresses(next)).containsExactly("a:10901", "b:10901");
    assertThat(w.changesTotal()).isEqualTo(2);
    // A manual refresh (what the periodic one does) finds nothing new.
    assertThat(w.refresh()).isFalse();
  }

  @Test
  void thePeriodicRefreshRereadsTheFile() throws Exception {
    Path sub = Files.createDirectory(dir.resolve("elsewhere"));
    Path target = Files.writeString(sub.resolve("real.json"), ONE);
    // A link into another directory: only the refresh tick sees the target change.
    Path file = Files.createSymbolicLink(dir.resolve("hashrings.json"), target);
    HashringFileWatcher w = watcher(file, Duration.ofMillis(50), 1);
    w.start();
    rings.clear();
    Files.writeString(target, TWO);
    MultiHashring next = rings.poll(60, TimeUnit.SECONDS);
    assertThat(next).isNotNull();
    assertThat(addresses(next)).containsExactly("a:10901", "b:10901");
  }

  @Test
  void rejectsANonPositiveInterval() {
    assertThatThrownBy(() -> watcher(dir.resolve("x"), Duration.ZERO, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
