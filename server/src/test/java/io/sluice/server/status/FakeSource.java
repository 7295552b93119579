// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.status;

import java.util.List;
import java.util.Map;

/** A status source with values set by the test. */
class FakeSource implements StatusSource {
  static final long NOW = 1_764_770_000_000L;

  Status.Overview overview = new Status.Overview("ingestor", true, NOW - 90_000, NOW);
  List<Status.Tenant> tenants = List.of();
  List<Status.Block> blocks = List.of();
  Status.Hashring hashring =
      new Status.Hashring(
          "ingestor",
          "",
          1,
          List.of(
              new Status.Ring(
                  "",
                  "hashmod",
                  List.of(),
                  List.of(new Status.Node("local", "", true, false)),
                  1.0)));
  Status.Limits limits =
      new Status.Limits(
          false,
          0,
          new Status.TenantLimits(0, 0, 0, 0),
          Map.of(),
          new Status.Memory(0, 10L << 20, 256L << 20, 150L << 20, 220L << 20),
          List.of());
  List<Status.Flag> flags = List.of(new Status.Flag("httpAddress", "127.0.0.1:10902"));

  static Status.Tenant tenant(String id, long series) {
    return new Status.Tenant(
        id, series, 12.5, 4096L, NOW - 60_000, NOW, 3, 2, 1, NOW - 30_000, null, null);
  }

  @Override
  public Status.Overview overview() {
    return overview;
  }

  @Override
  public List<Status.Tenant> tenants() {
    return tenants;
  }

  @Override
  public List<Status.Block> blocks() {
    return blocks;
  }

  @Override
  public Status.Hashring hashring() {
    return hashring;
  }

  @Override
  public Status.Limits limits() {
    return limits;
  }

  @Override
  public List<Status.Flag> flags() {
    return flags;
  }
}
