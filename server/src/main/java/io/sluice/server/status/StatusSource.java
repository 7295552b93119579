// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.status;

import java.util.List;

/**
 * Where the status page reads the receiver's state, one section per method. Every call takes a
 * fresh snapshot; none may block on the write path or change anything.
 *
 * <p>Implementations are thread-safe: sections are read on the HTTP listener's event loop.
 */
public interface StatusSource {
  /** {@return the receiver as a whole} */
  Status.Overview overview();

  /** {@return every tenant, sorted by id} */
  List<Status.Tenant> tenants();

  /** {@return every local block, by tenant and then by time} */
  List<Status.Block> blocks();

  /** {@return the hashring} */
  Status.Hashring hashring();

  /** {@return the limits and the refusals} */
  Status.Limits limits();

  /** {@return the effective configuration, secrets redacted} */
  List<Status.Flag> flags();
}
