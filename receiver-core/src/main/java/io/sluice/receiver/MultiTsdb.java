// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver;

import io.sluice.receiver.tenant.InvalidTenantException;
import io.sluice.receiver.tenant.TenantValidator;
import io.sluice.tsdb.Tsdb;
import io.sluice.tsdb.TsdbOptions;
import io.sluice.tsdb.head.Head;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One {@link Tsdb} per tenant under a root directory ({@code <tsdb.path>/<tenant>/}), as Thanos'
 * multi-TSDB: {@link #open} loads every tenant directory at start, in parallel, replaying their
 * WALs; a tenant seen for the first time afterwards is created on its first write.
 *
 * <p>Thread-safe. Concurrent first writes for one tenant create its database once; the others wait
 * for it. The caller owns the instance and must {@link #close} it.
 */
public final class MultiTsdb implements Closeable {
  private static final String LOST_AND_FOUND = "lost+found";

  /**
   * The directory under the data directory that holds the embedded default bucket (objects of a
   * filesystem bucket, when no objstore configuration is given). It is never a tenant: {@link
   * #open} skips it and a tenant of this name is refused.
   */
  public static final String BUCKET_DIR = ".bucket";

  /**
   * One tenant's storage.
   *
   * @param id the tenant
   * @param hashPrefix {@code UTF-8(id) 0xFF}: prepended to a series key it gives Thanos' series
   *     hash, which is also the head's lookup hash
   * @param tsdb the tenant's database (owned by the {@link MultiTsdb})
   */
  public record Tenant(String id, byte[] hashPrefix, Tsdb tsdb) {
    /** The tenant's head. */
    public Head head() {
      return tsdb.head();
    }
  }

  private final Path root;
  private final Function<byte[], TsdbOptions> options;
  private final Consumer<Tenant> onCreate;
  private final ConcurrentHashMap<String, Tenant> tenants = new ConcurrentHashMap<>();

  /**
   * Creates a multi-TSDB over {@code root}; nothing is read or created until {@link #open} or the
   * first write.
   *
   * @param root the data directory ({@code --tsdb.path})
   * @param options the database options for a tenant, given its hash prefix (the head's hash prefix
   *     is set to it regardless)
   * @param onCreate called once for every tenant opened or created, before it receives writes
   */
  public MultiTsdb(Path root, Function<byte[], TsdbOptions> options, Consumer<Tenant> onCreate) {
    this.root = Objects.requireNonNull(root, "root");
    this.options = Objects.requireNonNull(options, "options");
    this.onCreate = Objects.requireNonNull(onCreate, "onCreate");
  }

  /**
   * Startup, as {@code thanos receive}: creates the root and the default tenant's directory,
   * removes {@code lock} files left by a previous process, then opens every tenant directory in
   * parallel (replaying its WAL). Returns when all are open. Directories whose names are not valid
   * tenant names (such as {@code lost+found}) are left alone.
   *
   * @throws InvalidTenantException if {@code defaultTenant} is not a valid tenant name
   * @throws IOException if a directory cannot be created or a tenant cannot be opened (the first
   *     failure, with the others suppressed); tenants opened before stay open until {@link #close}
   */
  public void open(String defaultTenant) throws IOException, InvalidTenantException {
    TenantValidator.validate(defaultTenant);
    Files.createDirectories(root.resolve(defaultTenant));
    List<String> ids = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path p : ds) {
        String id = p.getFileName().toString();
        if (id.equals(LOST_AND_FOUND) || id.equals(BUCKET_DIR) || !valid(id)) {
          continue;
        }
        Files.deleteIfExists(p.resolve(Tsdb.LOCK_FILE));
        ids.add(id);
      }
    }
    Collections.sort(ids);
    int threads = Math.max(1, Math.min(ids.size(), Runtime.getRuntime().availableProcessors()));
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads, Thread.ofPlatform().name("sluice-open-", 0).factory());
    try {
      List<Future<?>> opening = new ArrayList<>();
      for (String id : ids) {
        opening.add(pool.submit(() -> tenants.computeIfAbsent(id, this::create)));
      }
      IOException failure = null;
      for (Future<?> f : opening) {
        try {
          f.get();
        } catch (ExecutionException e) {
          IOException io =
              e.getCause() instanceof UncheckedIOException u
                  ? u.getCause()
                  : new IOException("opening a tenant failed", e.getCause());
          if (failure == null) {
            failure = io;
          } else {
            failure.addSuppressed(io);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while opening tenants");
        }
      }
      if (failure != null) {
        throw failure;
      }
    } finally {
      pool.shutdown();
    }
  }

  private static boolean valid(String id) {
    try {
      TenantValidator.validate(id);
      return true;
    } catch (InvalidTenantException e) {
      return false;
    }
  }

  /**
   * Returns the tenant's storage, opening or creating {@code <root>/<id>/} on first use.
   *
   * @throws InvalidTenantException when the name could escape the data directory, or is {@link
   *     #BUCKET_DIR}
   * @throws IOException when the tenant's database cannot be opened or created
   */
  public Tenant getOrCreate(String id) throws InvalidTenantException, IOException {
    Tenant t = tenants.get(id);
    if (t != null) {
      return t;
    }
    TenantValidator.validate(id);
    if (id.equals(BUCKET_DIR)) {
      throw new InvalidTenantException(id);
    }
    try {
      return tenants.computeIfAbsent(id, this::create);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Returns the tenant's storage, or null when it is not open. */
  public Tenant get(String id) {
    return tenants.get(id);
  }

  /** A live view of the open tenants. */
  public Collection<Tenant> tenants() {
    return Collections.unmodifiableCollection(tenants.values());
  }

  /** The data directory. */
  public Path root() {
    return root;
  }

  private Tenant create(String id) {
    byte[] name = id.getBytes(StandardCharsets.UTF_8);
    byte[] prefix = new byte[name.length + 1];
    System.arraycopy(name, 0, prefix, 0, name.length);
    prefix[name.length] = (byte) 0xFF;
    Tsdb db;
    try {
      TsdbOptions o = options.apply(prefix);
      o =
          new TsdbOptions(
              o.head().withHashPrefix(prefix),
              o.wal(),
              o.walFsync(),
              o.replayWorkers(),
              o.blockDurationMs(),
              o.retentionMs());
      db = Tsdb.open(root.resolve(id), o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Tenant t = new Tenant(id, prefix, db);
    onCreate.accept(t);
    return t;
  }

  /**
   * Closes every tenant's database (flushing and fsyncing its WAL, releasing its lock).
   *
   * @throws IOException the first failure, with the others suppressed; all are closed regardless
   */
  @Override
  public void close() throws IOException {
    IOException failure = null;
    for (Tenant t : tenants.values()) {
      try {
        t.tsdb().close();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
