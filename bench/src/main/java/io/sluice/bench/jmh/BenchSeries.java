// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.jmh;

import io.sluice.tsdb.labels.Labels;

/**
 * A deterministic, Prometheus-shaped population of series for the write-path benchmarks, with the
 * timestamp and value of every series at every scrape.
 *
 * <p>Series come in targets of {@value #SERIES_PER_TARGET}, three node-exporter targets for every
 * kube-state-metrics target, as a kube-prometheus setup would remote-write them: {@code __name__},
 * {@code cluster} and {@code prometheus} (external labels), {@code instance}, {@code job}, {@code
 * namespace}, {@code pod}, {@code service}, then the metric's own labels ({@code cpu}/{@code mode},
 * {@code device}/{@code fstype}/{@code mountpoint}, {@code uid}/{@code phase}/{@code container}…):
 * 8 to 13 labels, 9.5 on average, series keys of 250 bytes on average.
 *
 * <p>Values follow the metric: CPU seconds are float counters with two decimals (the expensive case
 * for XOR), byte and packet counters grow by whole numbers, memory and filesystem gauges move in
 * pages, and kube-state-metrics series are mostly constant. Non-constant series never take the
 * value 0.0, so a protobuf encoder always writes their value field (see {@link RemoteWriteBodies}).
 *
 * <p>Scrape {@code pass} of series {@code i} is at {@code T0 + pass * 15 s + offset(target)}: every
 * target keeps its own phase, as Prometheus spreads scrapes over the interval.
 *
 * <p>Immutable after construction; {@link #timestamp} and {@link #valueBits} allocate nothing.
 */
final class BenchSeries {
  /** Series per scrape target. */
  static final int SERIES_PER_TARGET = 100;

  /** Scrape interval in ms. */
  static final long INTERVAL_MS = 15_000;

  /** Time of scrape 0: the start of a 2 h block, so that chunks are cut as in production. */
  static final long T0 = 1_700_000_000_000L - 1_700_000_000_000L % 7_200_000L;

  private static final int CONSTANT = 0;
  private static final int GAUGE = 1;
  private static final int COUNTER = 2;
  private static final int FLOAT_COUNTER = 3;

  private static final String CLUSTER = "prod-eu-west-1";
  private static final String PROMETHEUS = "monitoring/k8s";
  private static final String[] CPU_MODES = {
    "idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"
  };
  private static final double[] CPU_SHARE = {0.83, 0.012, 0.001, 0.004, 0.009, 0.0005, 0.05, 0.09};
  private static final String[][] FILESYSTEMS = {
    {"/dev/nvme0n1p1", "xfs", "/"},
    {"/dev/nvme1n1", "ext4", "/var/lib/kubelet"},
    {"tmpfs", "tmpfs", "/run"},
    {"shm", "tmpfs", "/dev/shm"}
  };
  private static final String[] NET_DEVICES = {"eth0", "eth1", "lo", "cni0"};
  private static final String[] NET_METRICS = {
    "node_network_receive_bytes_total",
    "node_network_transmit_bytes_total",
    "node_network_receive_packets_total",
    "node_network_transmit_packets_total"
  };
  private static final String[] DISKS = {"nvme0n1", "nvme1n1", "nvme2n1", "nvme3n1"};
  private static final String[] MEMORY = {
    "MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapCached",
    "Active", "Inactive", "Active_anon", "Inactive_anon", "Active_file", "Inactive_file",
    "Unevictable", "Mlocked", "SwapTotal", "SwapFree", "Dirty", "Writeback",
    "AnonPages", "Mapped", "Shmem", "KReclaimable", "Slab", "SReclaimable",
    "SUnreclaim", "KernelStack", "PageTables", "NFS_Unstable", "Bounce", "WritebackTmp",
    "CommitLimit", "Committed_AS", "VmallocTotal", "VmallocUsed", "VmallocChunk", "Percpu"
  };
  private static final String[] NAMESPACES = {
    "default",
    "kube-system",
    "monitoring",
    "ingress-nginx",
    "payments",
    "checkout",
    "search",
    "auth"
  };
  private static final String[] APPS = {
    "api", "worker", "frontend", "cart", "ledger", "indexer", "gateway", "session", "mailer", "cron"
  };
  private static final String[] PHASES = {"Failed", "Pending", "Running", "Succeeded", "Unknown"};

  private final Labels[] labels;
  private final byte[][] keys;
  private final int[] kind;
  private final double[] base;
  private final double[] step;
  private final long[] offsetMs;

  private BenchSeries(int n) {
    labels = new Labels[n];
    keys = new byte[n][];
    kind = new int[n];
    base = new double[n];
    step = new double[n];
    offsetMs = new long[n];
    for (int i = 0; i < n; i++) {
      int target = i / SERIES_PER_TARGET;
      int j = i % SERIES_PER_TARGET;
      offsetMs[i] = (target * 7_919L) % INTERVAL_MS;
      labels[i] = target % 4 == 3 ? kubeStateMetrics(i, target, j) : nodeExporter(i, target, j);
      keys[i] = labels[i].toKey();
    }
  }

  /** Generates {@code n} distinct series; the same {@code n} always gives the same series. */
  static BenchSeries generate(int n) {
    return new BenchSeries(n);
  }

  /** {@return the number of series} */
  int size() {
    return labels.length;
  }

  /** {@return the labels of series {@code i}, sorted} */
  Labels labels(int i) {
    return labels[i];
  }

  /** {@return the series key of series {@code i} ({@link Labels#toKey()}); do not modify} */
  byte[] key(int i) {
    return keys[i];
  }

  /** {@return the timestamp in ms of scrape {@code pass} of series {@code i}} */
  long timestamp(int i, long pass) {
    return T0 + pass * INTERVAL_MS + offsetMs[i];
  }

  /** {@return whether series {@code i} has the same value at every scrape} */
  boolean isConstant(int i) {
    return kind[i] == CONSTANT;
  }

  /** {@return the raw IEEE-754 bits of the value of series {@code i} at scrape {@code pass}} */
  long valueBits(int i, long pass) {
    double b = base[i];
    double v =
        switch (kind[i]) {
          case GAUGE -> b + 4096.0 * ((pass * 7 + i) % 13);
          case COUNTER -> b + step[i] * pass;
          case FLOAT_COUNTER -> Math.round((b + step[i] * pass) * 100.0) / 100.0;
          default -> b;
        };
    return Double.doubleToRawLongBits(v);
  }

  private Labels nodeExporter(int i, int target, int j) {
    String instance =
        "ip-10-"
            + (target >>> 8 & 255)
            + "-"
            + (target & 255)
            + "-"
            + (target * 37 % 250 + 4)
            + ".eu-west-1.compute.internal:9100";
    String pod = "node-exporter-" + suffix(target, 5);
    String[] own;
    String name;
    if (j < 32) {
      int mode = j % 8;
      name = "node_cpu_seconds_total";
      own = new String[] {"cpu", Integer.toString(j / 8), "mode", CPU_MODES[mode]};
      model(i, FLOAT_COUNTER, 1_000_000 + target * 13.37 + j, 15 * CPU_SHARE[mode]);
    } else if (j < 40) {
      String[] fs = FILESYSTEMS[(j - 32) / 2];
      boolean avail = j % 2 == 0;
      name = avail ? "node_filesystem_avail_bytes" : "node_filesystem_size_bytes";
      own = new String[] {"device", fs[0], "fstype", fs[1], "mountpoint", fs[2]};
      double size = 4096.0 * (26_214_400 + 1_000 * j);
      model(i, avail ? GAUGE : CONSTANT, avail ? size / 3 : size, 0);
    } else if (j < 56) {
      int k = j - 40;
      name = NET_METRICS[k % 4];
      own = new String[] {"device", NET_DEVICES[k / 4]};
      boolean bytes = k % 4 < 2;
      model(i, COUNTER, 1e9 + target * 1_001 + k, bytes ? 1_482_113 + 97 * k : 1_229 + k);
    } else if (j < 64) {
      int k = j - 56;
      name = k % 2 == 0 ? "node_disk_read_bytes_total" : "node_disk_written_bytes_total";
      own = new String[] {"device", DISKS[k / 2]};
      model(i, COUNTER, 5e10 + target * 4_096.0, 4_096.0 * (31 + 7 * k));
    } else {
      String mem = MEMORY[j - 64];
      name = "node_memory_" + mem + "_bytes";
      own = new String[0];
      boolean constant = mem.endsWith("Total") || mem.equals("CommitLimit");
      model(i, constant ? CONSTANT : GAUGE, 4096.0 * (1_000_000 + 997 * j), 0);
    }
    return labels(name, instance, "node-exporter", "monitoring", pod, "node-exporter", own);
  }

  private Labels kubeStateMetrics(int i, int target, int j) {
    int podIndex = target * 10 + j / 10;
    String namespace = NAMESPACES[podIndex % NAMESPACES.length];
    String app = APPS[podIndex % APPS.length];
    String pod = app + "-" + suffix(podIndex * 31 + 7, 10) + "-" + suffix(podIndex, 5);
    String uid =
        suffix(podIndex, 8) + "-4f1c-9a2b-" + suffix(podIndex * 7 + 3, 4) + "-5e6d7c8b9a0f";
    int k = j % 10;
    String name;
    String[] own;
    if (k < 5) {
      name = "kube_pod_status_phase";
      own = new String[] {"phase", PHASES[k], "uid", uid};
      model(i, CONSTANT, PHASES[k].equals("Running") ? 1 : 0, 0);
    } else if (k == 5) {
      name = "kube_pod_container_status_restarts_total";
      own = new String[] {"container", app, "uid", uid};
      model(i, CONSTANT, podIndex % 3, 0);
    } else if (k < 8) {
      boolean cpu = k == 6;
      name = "kube_pod_container_resource_requests";
      own =
          new String[] {
            "container",
            app,
            "node",
            "ip-10-0-" + (podIndex & 255) + "-17.eu-west-1.compute.internal",
            "resource",
            cpu ? "cpu" : "memory",
            "uid",
            uid,
            "unit",
            cpu ? "core" : "byte"
          };
      model(i, CONSTANT, cpu ? 0.25 : 536_870_912, 0);
    } else {
      name = "kube_pod_status_ready";
      own = new String[] {"condition", k == 8 ? "true" : "false", "uid", uid};
      model(i, CONSTANT, k == 8 ? 1 : 0, 0);
    }
    return labels(
        name,
        "10.2." + (target >>> 8 & 255) + "." + (target & 255) + ":8080",
        "kube-state-metrics",
        namespace,
        pod,
        "kube-state-metrics",
        own);
  }

  private void model(int i, int k, double b, double s) {
    kind[i] = k;
    base[i] = b;
    step[i] = s;
  }

  private static Labels labels(
      String name,
      String instance,
      String job,
      String namespace,
      String pod,
      String service,
      String[] own) {
    String[] nv = new String[16 + own.length];
    String[] common = {
      "__name__", name,
      "cluster", CLUSTER,
      "instance", instance,
      "job", job,
      "namespace", namespace,
      "pod", pod,
      "prometheus", PROMETHEUS,
      "service", service
    };
    System.arraycopy(common, 0, nv, 0, 16);
    System.arraycopy(own, 0, nv, 16, own.length);
    return Labels.of(nv);
  }

  // Kubernetes-style random-looking name suffixes, deterministic.
  private static String suffix(long seed, int length) {
    final String alphabet = "bcdfghjklmnpqrstvwxz2456789";
    long x = seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      x ^= x >>> 29;
      x *= 0xBF58476D1CE4E5B9L;
      x ^= x >>> 32;
      sb.append(alphabet.charAt((int) Long.remainderUnsigned(x, alphabet.length())));
    }
    return sb.toString();
  }
}
