// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A deterministic set of synthetic series shaped like what a Kubernetes cluster's Prometheus
 * scrapes: node-exporter and kube-state-metrics families, repeated over as many nodes ("instances")
 * as needed.
 *
 * <p>Every instance has the same {@link #seriesPerInstance()} series templates (a few hundred);
 * series {@code s} is template {@code s % seriesPerInstance} of instance {@code s /
 * seriesPerInstance}, so {@code instances = ceil(series / seriesPerInstance)} and the last instance
 * may be partial. Every series carries {@code cluster}, {@code instance} and {@code job} plus its
 * family's own labels (for example {@code node_cpu_seconds_total{cpu,mode}} or {@code
 * kube_pod_status_phase{namespace,pod,phase}}). Labels come out sorted by name in byte order, as
 * Prometheus sends them.
 *
 * <p>Instances are immutable and thread-safe; {@link #labels} allocates only the strings of the
 * label values that depend on the instance.
 */
public final class SeriesCatalog {

  /** Number of pods kube-state-metrics reports per node. */
  private static final int PODS_PER_NODE = 12;

  private static final String[] APPS = {
    "api",
    "web",
    "worker",
    "cache",
    "ingest",
    "auth",
    "billing",
    "search",
    "checkout",
    "frontend",
    "scheduler",
    "notifier"
  };
  private static final String[] APP_NAMESPACES = {
    "shop",
    "shop",
    "batch",
    "shop",
    "pipeline",
    "identity",
    "payments",
    "search",
    "payments",
    "shop",
    "batch",
    "monitoring"
  };
  private static final String POD_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private final long series;
  private final List<Template> templates;
  private final int maxLabels;

  private SeriesCatalog(long series, List<Template> templates) {
    this.series = series;
    this.templates = templates;
    this.maxLabels = templates.stream().mapToInt(t -> t.names.length).max().orElse(0);
  }

  /**
   * Creates a catalog of exactly {@code series} series.
   *
   * @param series number of series, at least 1
   * @param cluster value of the {@code cluster} label of every series
   * @throws IllegalArgumentException if {@code series < 1} or {@code cluster} is empty
   */
  public static SeriesCatalog create(long series, String cluster) {
    if (series < 1) {
      throw new IllegalArgumentException("series must be at least 1, got " + series);
    }
    if (cluster == null || cluster.isEmpty()) {
      throw new IllegalArgumentException("cluster must not be empty");
    }
    Builder b = new Builder(cluster);
    nodeExporter(b);
    kubeStateMetrics(b);
    return new SeriesCatalog(series, List.copyOf(b.templates));
  }

  /** Returns the number of series. */
  public long series() {
    return series;
  }

  /** Returns the number of series of one full instance. */
  public int seriesPerInstance() {
    return templates.size();
  }

  /** Returns the number of instances, the last one possibly partial. */
  public long instances() {
    return (series + templates.size() - 1) / templates.size();
  }

  /** Returns the largest number of labels of any series, the size {@link #labels} needs. */
  public int maxLabels() {
    return maxLabels;
  }

  /**
   * Writes the labels of one series, sorted by name in byte order.
   *
   * @param index the series, in [0, series)
   * @param names receives the label names; at least {@link #maxLabels()} long
   * @param values receives the label values, in the same order; at least {@link #maxLabels()} long
   * @return the number of labels written
   * @throws IndexOutOfBoundsException if {@code index} is not a series of this catalog
   */
  public int labels(long index, String[] names, String[] values) {
    Template t = template(index);
    int instance = Math.toIntExact(index / templates.size());
    int n = t.names.length;
    System.arraycopy(t.names, 0, names, 0, n);
    for (int i = 0; i < n; i++) {
      values[i] = t.values[i].at(instance);
    }
    return n;
  }

  /** Returns how the values of series {@code index} evolve. */
  ValueModel valueModel(long index) {
    return template(index).model;
  }

  private Template template(long index) {
    if (index < 0 || index >= series) {
      throw new IndexOutOfBoundsException("series " + index + " not in [0, " + series + ")");
    }
    return templates.get((int) (index % templates.size()));
  }

  // ---- families -------------------------------------------------------------------------------

  private static void nodeExporter(Builder b) {
    int first = b.templates.size();
    String job = "node-exporter";
    String[] modes = {"idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"};
    double[] modeShare = {0.85, 0.01, 0.002, 0.002, 0.004, 0.001, 0.04, 0.08};
    for (int cpu = 0; cpu < 8; cpu++) {
      for (int m = 0; m < modes.length; m++) {
        b.add(
            "node_cpu_seconds_total",
            job,
            new ValueModel.Counter(1e6 * modeShare[m], modeShare[m], false),
            "cpu",
            Integer.toString(cpu),
            "mode",
            modes[m]);
      }
    }
    String[][] filesystems = {
      {"/dev/nvme0n1p1", "ext4", "/"},
      {"/dev/nvme0n1p2", "ext4", "/var/lib/kubelet"},
      {"/dev/nvme1n1", "xfs", "/var/lib/containerd"},
      {"tmpfs", "tmpfs", "/run"},
      {"shm", "tmpfs", "/dev/shm"},
    };
    for (String[] fs : filesystems) {
      Object[] l = {"device", fs[0], "fstype", fs[1], "mountpoint", fs[2]};
      b.add("node_filesystem_avail_bytes", job, new ValueModel.Gauge(1e9, 4e11, 1e-4, true), l);
      b.add("node_filesystem_free_bytes", job, new ValueModel.Gauge(2e9, 4.2e11, 1e-4, true), l);
      b.add("node_filesystem_size_bytes", job, new ValueModel.Gauge(5e11, 5e11, 0, true), l);
      b.add("node_filesystem_files", job, new ValueModel.Gauge(3.2e7, 3.2e7, 0, true), l);
      b.add("node_filesystem_files_free", job, new ValueModel.Gauge(2e7, 3.1e7, 1e-4, true), l);
      b.add("node_filesystem_readonly", job, new ValueModel.Constant(0), l);
    }
    String[] netdevs = {"eth0", "eth1", "lo", "cni0"};
    for (String dev : netdevs) {
      Object[] l = {"device", dev};
      b.add("node_network_receive_bytes_total", job, new ValueModel.Counter(1e12, 2e6, true), l);
      b.add("node_network_transmit_bytes_total", job, new ValueModel.Counter(1e12, 1e6, true), l);
      b.add("node_network_receive_packets_total", job, new ValueModel.Counter(1e9, 2e3, true), l);
      b.add("node_network_transmit_packets_total", job, new ValueModel.Counter(1e9, 1e3, true), l);
      b.add("node_network_receive_errs_total", job, new ValueModel.RareCounter(0.01), l);
      b.add("node_network_transmit_errs_total", job, new ValueModel.RareCounter(0.01), l);
      b.add("node_network_receive_drop_total", job, new ValueModel.RareCounter(0.05), l);
      b.add("node_network_transmit_drop_total", job, new ValueModel.RareCounter(0.02), l);
      b.add("node_network_up", job, new ValueModel.Constant(1), l);
    }
    for (String disk : new String[] {"nvme0n1", "nvme1n1"}) {
      Object[] l = {"device", disk};
      b.add("node_disk_read_bytes_total", job, new ValueModel.Counter(1e12, 5e5, true), l);
      b.add("node_disk_written_bytes_total", job, new ValueModel.Counter(1e12, 2e6, true), l);
      b.add("node_disk_reads_completed_total", job, new ValueModel.Counter(1e8, 50, true), l);
      b.add("node_disk_writes_completed_total", job, new ValueModel.Counter(1e8, 200, true), l);
      b.add("node_disk_io_time_seconds_total", job, new ValueModel.Counter(1e5, 0.05, false), l);
      b.add("node_disk_read_time_seconds_total", job, new ValueModel.Counter(1e4, 0.01, false), l);
      b.add("node_disk_write_time_seconds_total", job, new ValueModel.Counter(1e5, 0.1, false), l);
    }
    String[] memory = {
      "MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapTotal", "SwapFree", "Active",
      "Inactive", "Dirty", "Writeback", "Slab", "SReclaimable", "SUnreclaim", "Shmem", "Mapped",
      "PageTables", "Committed_AS", "HugePages_Total", "Hugepagesize"
    };
    for (String m : memory) {
      boolean fixed = m.endsWith("Total") || m.equals("Hugepagesize");
      b.add(
          "node_memory_" + m + "_bytes",
          job,
          fixed
              ? new ValueModel.Gauge(6.4e10, 6.4e10, 0, true)
              : new ValueModel.Gauge(1e6, 3.2e10, 1e-3, true));
    }
    b.add("node_load1", job, new ValueModel.Gauge(0, 16, 0.05, false));
    b.add("node_load5", job, new ValueModel.Gauge(0, 16, 0.02, false));
    b.add("node_load15", job, new ValueModel.Gauge(0, 16, 0.01, false));
    b.add("node_context_switches_total", job, new ValueModel.Counter(1e11, 2e4, true));
    b.add("node_intr_total", job, new ValueModel.Counter(1e11, 1e4, true));
    b.add("node_forks_total", job, new ValueModel.Counter(1e8, 20, true));
    b.add("node_boot_time_seconds", job, new ValueModel.Gauge(1.70e9, 1.75e9, 0, true));
    b.add("node_time_seconds", job, new ValueModel.Clock());
    b.add("node_procs_running", job, new ValueModel.Gauge(1, 32, 0.1, true));
    b.add("node_procs_blocked", job, new ValueModel.Gauge(0, 4, 0.1, true));
    b.add("node_entropy_available_bits", job, new ValueModel.Gauge(256, 256, 0, true));
    b.add("node_filefd_allocated", job, new ValueModel.Gauge(2e3, 5e4, 0.01, true));
    b.add("node_filefd_maximum", job, new ValueModel.Constant(9.223372036854776e18));
    b.add("node_sockstat_TCP_inuse", job, new ValueModel.Gauge(10, 5e3, 0.01, true));
    b.add("node_netstat_Tcp_CurrEstab", job, new ValueModel.Gauge(10, 5e3, 0.01, true));
    b.add(
        "node_uname_info",
        job,
        new ValueModel.Constant(1),
        "machine",
        "x86_64",
        "nodename",
        (LabelValue) SeriesCatalog::nodeName,
        "release",
        "6.1.0-28-cloud-amd64",
        "sysname",
        "Linux",
        "version",
        "#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)");
    scrapeMeta(b, job, first);
  }

  private static void kubeStateMetrics(Builder b) {
    int first = b.templates.size();
    String job = "kube-state-metrics";
    LabelValue node = SeriesCatalog::nodeName;
    for (int p = 0; p < PODS_PER_NODE; p++) {
      final int pod = p;
      LabelValue podName = i -> podName(i, pod);
      LabelValue namespace = i -> APP_NAMESPACES[app(i, pod)];
      b.add(
          "kube_pod_info",
          job,
          new ValueModel.Constant(1),
          "created_by_kind",
          "ReplicaSet",
          "host_ip",
          (LabelValue) SeriesCatalog::hostIp,
          "namespace",
          namespace,
          "node",
          node,
          "pod",
          podName,
          "pod_ip",
          (LabelValue) i -> "10." + ((i >>> 8) & 255) + "." + (i & 255) + "." + (pod + 2));
      b.add(
          "kube_pod_created",
          job,
          new ValueModel.Gauge(1.70e9, 1.75e9, 0, true),
          "namespace",
          namespace,
          "pod",
          podName);
      for (String phase : new String[] {"Failed", "Pending", "Running", "Succeeded", "Unknown"}) {
        b.add(
            "kube_pod_status_phase",
            job,
            new ValueModel.Constant(phase.equals("Running") ? 1 : 0),
            "namespace",
            namespace,
            "phase",
            phase,
            "pod",
            podName);
      }
      for (String condition : new String[] {"false", "true", "unknown"}) {
        b.add(
            "kube_pod_status_ready",
            job,
            new ValueModel.Constant(condition.equals("true") ? 1 : 0),
            "condition",
            condition,
            "namespace",
            namespace,
            "pod",
            podName);
      }
      int containers = p % 3 == 0 ? 2 : 1;
      for (int c = 0; c < containers; c++) {
        final boolean sidecar = c == 1;
        LabelValue container = sidecar ? i -> "istio-proxy" : i -> APPS[app(i, pod)];
        LabelValue image =
            sidecar
                ? i -> "docker.io/istio/proxyv2:1.22.1"
                : i -> "registry.example.com/" + APPS[app(i, pod)] + ":1.4." + (i % 7);
        b.add(
            "kube_pod_container_info",
            job,
            new ValueModel.Constant(1),
            "container",
            container,
            "image",
            image,
            "namespace",
            namespace,
            "pod",
            podName);
        b.add(
            "kube_pod_container_status_running",
            job,
            new ValueModel.Constant(1),
            "container",
            container,
            "namespace",
            namespace,
            "pod",
            podName);
        b.add(
            "kube_pod_container_status_restarts_total",
            job,
            new ValueModel.RareCounter(0.002),
            "container",
            container,
            "namespace",
            namespace,
            "pod",
            podName);
        for (String metric :
            new String[] {
              "kube_pod_container_resource_requests", "kube_pod_container_resource_limits"
            }) {
          b.add(
              metric,
              job,
              new ValueModel.Gauge(0.1, 4, 0, false),
              "container",
              container,
              "namespace",
              namespace,
              "node",
              node,
              "pod",
              podName,
              "resource",
              "cpu",
              "unit",
              "core");
          b.add(
              metric,
              job,
              new ValueModel.Gauge(1.28e8, 8.6e9, 0, true),
              "container",
              container,
              "namespace",
              namespace,
              "node",
              node,
              "pod",
              podName,
              "resource",
              "memory",
              "unit",
              "byte");
        }
      }
    }
    for (String condition :
        new String[] {"DiskPressure", "MemoryPressure", "PIDPressure", "Ready"}) {
      for (String status : new String[] {"false", "true", "unknown"}) {
        boolean on = condition.equals("Ready") ? status.equals("true") : status.equals("false");
        b.add(
            "kube_node_status_condition",
            job,
            new ValueModel.Constant(on ? 1 : 0),
            "condition",
            condition,
            "node",
            node,
            "status",
            status);
      }
    }
    String[][] allocatable = {
      {"cpu", "core", "15.89"}, {"memory", "byte", "6.2e10"}, {"pods", "integer", "110"}
    };
    for (String[] a : allocatable) {
      b.add(
          "kube_node_status_allocatable",
          job,
          new ValueModel.Constant(Double.parseDouble(a[2])),
          "node",
          node,
          "resource",
          a[0],
          "unit",
          a[1]);
    }
    scrapeMeta(b, job, first);
  }

  /**
   * Adds the series Prometheus itself adds for a target whose own series start at {@code first}.
   */
  private static void scrapeMeta(Builder b, String job, int first) {
    int samples = b.templates.size() - first;
    b.add("up", job, new ValueModel.Constant(1));
    b.add("scrape_duration_seconds", job, new ValueModel.Gauge(0.005, 0.2, 0.1, false));
    b.add("scrape_samples_scraped", job, new ValueModel.Constant(samples));
    b.add("scrape_series_added", job, new ValueModel.Constant(0));
  }

  // ---- instance-dependent label values --------------------------------------------------------

  static String nodeName(int instance) {
    String digits = Integer.toString(instance);
    if (digits.length() >= 5) {
      return "node-" + digits;
    }
    return "node-" + "00000".substring(digits.length()) + digits;
  }

  private static String hostIp(int instance) {
    return "172.16." + ((instance >>> 8) & 255) + "." + (instance & 255);
  }

  private static int app(int instance, int pod) {
    return (instance + pod) % APPS.length;
  }

  private static String podName(int instance, int pod) {
    long h = mix64(((long) instance << 8) | pod);
    StringBuilder sb = new StringBuilder(32).append(APPS[app(instance, pod)]).append('-');
    for (int k = 0; k < 10; k++) {
      sb.append(POD_ALPHABET.charAt((int) Long.remainderUnsigned(h >>> (k * 5), 27)));
    }
    sb.append('-');
    long g = mix64(h);
    for (int k = 0; k < 5; k++) {
      sb.append(POD_ALPHABET.charAt((int) Long.remainderUnsigned(g >>> (k * 5), 27)));
    }
    return sb.toString();
  }

  /** The splitmix64 finalizer: a cheap, well-mixed 64-bit hash. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  // ---- templates ------------------------------------------------------------------------------

  /** A label value as a function of the instance number. */
  @FunctionalInterface
  private interface LabelValue {
    String at(int instance);
  }

  private record Template(String[] names, LabelValue[] values, ValueModel model) {}

  private static final class Builder {
    private final String cluster;
    private final List<Template> templates = new ArrayList<>();

    Builder(String cluster) {
      this.cluster = cluster;
    }

    /** Adds one series; {@code labels} are name, value pairs, values a String or LabelValue. */
    void add(String metric, String job, ValueModel model, Object... labels) {
      String port = job.equals("node-exporter") ? ":9100" : ":8080";
      List<Object[]> pairs = new ArrayList<>();
      pairs.add(new Object[] {"__name__", (LabelValue) i -> metric});
      pairs.add(new Object[] {"cluster", (LabelValue) i -> cluster});
      pairs.add(new Object[] {"instance", (LabelValue) i -> nodeName(i) + port});
      pairs.add(new Object[] {"job", (LabelValue) i -> job});
      for (int k = 0; k < labels.length; k += 2) {
        Object v = labels[k + 1];
        LabelValue lv = v instanceof LabelValue f ? f : constant((String) v);
        pairs.add(new Object[] {labels[k], lv});
      }
      // String order is byte order for the ASCII names used here, and Prometheus sorts by bytes.
      pairs.sort(Comparator.comparing(p -> (String) p[0]));
      String[] names = new String[pairs.size()];
      LabelValue[] values = new LabelValue[pairs.size()];
      for (int k = 0; k < names.length; k++) {
        names[k] = (String) pairs.get(k)[0];
        values[k] = (LabelValue) pairs.get(k)[1];
        if (k > 0 && names[k].equals(names[k - 1])) {
          throw new IllegalStateException("duplicate label " + names[k] + " in " + metric);
        }
      }
      templates.add(new Template(names, values, model));
    }

    private static LabelValue constant(String v) {
      return i -> v;
    }
  }
}
