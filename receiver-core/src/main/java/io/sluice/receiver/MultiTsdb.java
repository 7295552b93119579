// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver;

import io.sluice.receiver.tenant.InvalidTenantException;
import io.sluice.receiver.tenant.TenantValidator;
import io.sluice.tsdb.head.Head;
import io.sluice.tsdb.head.HeadOptions;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One TSDB per tenant, created on the tenant's first write, as Thanos' multi-TSDB does.
 *
 * <p>Thread-safe. Concurrent first writes for one tenant create its TSDB once; the others wait for
 * it.
 */
public final class MultiTsdb {
  /**
   * One tenant's storage.
   *
   * @param id the tenant
   * @param hashPrefix {@code UTF-8(id) 0xFF}: prepended to a series key it gives Thanos' series
   *     hash, which is also the head's lookup hash
   * @param head the tenant's head
   */
  public record Tenant(String id, byte[] hashPrefix, Head head) {}

  private final Function<byte[], HeadOptions> options;
  private final Consumer<Tenant> onCreate;
  private final ConcurrentHashMap<String, Tenant> tenants = new ConcurrentHashMap<>();

  /**
   * Creates an empty multi-TSDB.
   *
   * @param options the head options for a tenant, given its hash prefix
   * @param onCreate called once for every tenant created, before it receives writes
   */
  public MultiTsdb(Function<byte[], HeadOptions> options, Consumer<Tenant> onCreate) {
    this.options = options;
    this.onCreate = onCreate;
  }

  /**
   * Returns the tenant's storage, creating it on first use.
   *
   * @throws InvalidTenantException when the name could escape the data directory
   */
  public Tenant getOrCreate(String id) throws InvalidTenantException {
    Tenant t = tenants.get(id);
    if (t != null) {
      return t;
    }
    TenantValidator.validate(id);
    return tenants.computeIfAbsent(id, this::create);
  }

  /** Returns the tenant's storage, or null when it has received no write. */
  public Tenant get(String id) {
    return tenants.get(id);
  }

  /** A live view of the tenants. */
  public Collection<Tenant> tenants() {
    return Collections.unmodifiableCollection(tenants.values());
  }

  private Tenant create(String id) {
    byte[] name = id.getBytes(StandardCharsets.UTF_8);
    byte[] prefix = new byte[name.length + 1];
    System.arraycopy(name, 0, prefix, 0, name.length);
    prefix[name.length] = (byte) 0xFF;
    Tenant t = new Tenant(id, prefix, new Head(options.apply(prefix)));
    onCreate.accept(t);
    return t;
  }
}
