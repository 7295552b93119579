// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.sluice.objstore.BucketConfig;
import io.sluice.objstore.BucketType;
import io.sluice.objstore.S3Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kustomize manifests under {@code deploy/}: renders the central cluster's overlay with {@code
 * kubectl kustomize}, checks the objects and the fields a deployment depends on, then starts Sluice
 * through the launcher with exactly the receiver container's arguments — Kubernetes' {@code $(VAR)}
 * references expanded as the kubelet would for the first replica, listen addresses moved to free
 * loopback ports, the mounted files replaced by files of the test — and waits until it is ready.
 *
 * <p>The hashring file is the rendered ConfigMap's, with each endpoint moved to a loopback port:
 * the first replica's to the port the process listens on for gRPC, so that it is its own local
 * endpoint, the other two to free ports where nothing listens. The process is ready without its
 * peers (readiness needs the local databases and a ring, as in Thanos); the mounted objstore Secret
 * (MinIO, absent here) is replaced by a filesystem bucket in the test's directory, and its YAML is
 * parsed by Sluice's own parser instead.
 */
class DeployManifestsIT {
  private static final Path OVERLAY = Path.of("..", "deploy", "overlays", "central");
  private static final String RECEIVER = "thanos-receive";

  private static List<JsonNode> objects;

  @TempDir Path dir;

  private ExternalProcess sluice;

  @BeforeAll
  static void render() throws Exception {
    objects = kustomize(OVERLAY);
  }

  @AfterEach
  void stop() throws Exception {
    if (sluice != null) {
      sluice.close();
    }
  }

  @Test
  void rendersTheObjectsOfTheCentralCluster() {
    assertThat(objects)
        .extracting(o -> o.path("kind").asText() + "/" + o.path("metadata").path("name").asText())
        .containsExactlyInAnyOrder(
            "Namespace/thanos",
            "StatefulSet/thanos-receive",
            "Service/thanos-receive",
            "Service/thanos-receive-remote-write",
            "ConfigMap/thanos-receive-hashrings",
            "Secret/thanos-objstore",
            "PodDisruptionBudget/thanos-receive",
            "ServiceMonitor/thanos-receive");
    for (JsonNode o : objects) {
      if (!o.path("kind").asText().equals("Namespace")) {
        assertThat(o.path("metadata").path("namespace").asText())
            .as("namespace of %s", o.path("metadata").path("name"))
            .isEqualTo("thanos");
      }
    }
  }

  @Test
  void runsThreeReplicasAsNonRootOnAReadOnlyRootWithProbesAndTheSeedsResources() {
    JsonNode sts = object("StatefulSet", RECEIVER);
    assertThat(sts.at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(sts.at("/spec/serviceName").asText()).isEqualTo(RECEIVER);
    JsonNode pod = sts.at("/spec/template/spec");
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.at("/securityContext/runAsUser").asInt()).isPositive();
    // SIGTERM flushes every head and uploads it; the uploads alone may take 2 minutes.
    assertThat(pod.at("/terminationGracePeriodSeconds").asInt()).isGreaterThanOrEqualTo(300);

    JsonNode c = receiverContainer();
    assertThat(c.at("/image").asText()).isNotBlank().isNotEqualTo("sluice");
    assertThat(c.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).isFalse();
    assertThat(c.at("/resources/requests/memory").asText()).isEqualTo("2Gi");
    assertThat(c.at("/resources/limits/memory").asText()).isEqualTo("4Gi");

    Map<String, Integer> ports = new HashMap<>();
    c.path("ports")
        .forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
    assertThat(ports)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("grpc", 10901, "http", 10902, "remote-write", 19291));
    assertThat(c.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/-/healthy");
    assertThat(c.at("/livenessProbe/httpGet/port").asText()).isEqualTo("http");
    assertThat(c.at("/startupProbe/httpGet/path").asText()).isEqualTo("/-/healthy");
    assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/-/ready");
    assertThat(c.at("/readinessProbe/httpGet/port").asText()).isEqualTo("http");

    // The JVM and the native libraries unpacked at start write to /tmp.
    assertThat(mountedVolume(c, "/tmp").has("emptyDir")).isTrue();
  }

  @Test
  void passesThanosFlagsThatPointAtTheMountedHashringSecretAndVolume() throws Exception {
    JsonNode c = receiverContainer();
    Map<String, String> flags = flags(args(c));
    assertThat(args(c).get(0)).isEqualTo("receive");
    assertThat(flags)
        .containsEntry("--receive.replication-factor", "3")
        .containsEntry("--grpc-address", "0.0.0.0:10901")
        .containsEntry("--http-address", "0.0.0.0:10902")
        .containsEntry("--remote-write.address", "0.0.0.0:19291");

    Path hashrings = Path.of(flags.get("--receive.hashrings-file"));
    JsonNode hashringVolume = mountedVolume(c, hashrings.getParent().toString());
    String configMap = hashringVolume.at("/configMap/name").asText();
    assertThat(configMap).isEqualTo("thanos-receive-hashrings");
    assertThat(object("ConfigMap", configMap).path("data").has(hashrings.getFileName().toString()))
        .isTrue();

    Path objstore = Path.of(flags.get("--objstore.config-file"));
    String secret =
        mountedVolume(c, objstore.getParent().toString()).at("/secret/secretName").asText();
    assertThat(secret).isEqualTo("thanos-objstore");
    assertThat(object("Secret", secret).path("data").has(objstore.getFileName().toString()))
        .isTrue();

    String dataVolume = mountName(c, flags.get("--tsdb.path"));
    assertThat(object("StatefulSet", RECEIVER).at("/spec/volumeClaimTemplates"))
        .extracting(t -> t.at("/metadata/name").asText())
        .contains(dataVolume);
  }

  @Test
  void hashringListsEveryReplicaByTheNameItCallsItself() throws Exception {
    JsonNode sts = object("StatefulSet", RECEIVER);
    String localEndpoint = flags(args(receiverContainer())).get("--receive.local-endpoint");
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < sts.at("/spec/replicas").asInt(); i++) {
      expected.add(expand(localEndpoint, podEnv(RECEIVER + "-" + i)));
    }
    JsonNode rings = hashrings();
    assertThat(rings.size()).isEqualTo(1);
    assertThat(rings.get(0).path("endpoints"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(expected.get(0))
        .isEqualTo(RECEIVER + "-0." + RECEIVER + ".thanos.svc.cluster.local:10901");
  }

  @Test
  void objstoreSecretIsThanosYamlForTheClusterBucket() throws Exception {
    BucketConfig cfg = BucketConfig.parse(objstoreYaml());
    assertThat(cfg.type()).isEqualTo(BucketType.S3);
    assertThat(((S3Config) cfg.config()).bucket()).isEqualTo("thanos-cluster-01");
    assertThat(cfg.ignoredKeys()).isEmpty();
  }

  @Test
  void servicesAndBudgetSelectTheReceiverPodsAndTheMonitorScrapesThePeersService() {
    JsonNode podLabels = object("StatefulSet", RECEIVER).at("/spec/template/metadata/labels");
    for (JsonNode selector :
        List.of(
            object("Service", RECEIVER).at("/spec/selector"),
            object("Service", "thanos-receive-remote-write").at("/spec/selector"),
            object("PodDisruptionBudget", RECEIVER).at("/spec/selector/matchLabels"),
            object("StatefulSet", RECEIVER).at("/spec/selector/matchLabels"))) {
      assertThat(selector.size()).isPositive();
      selector
          .fields()
          .forEachRemaining(e -> assertThat(podLabels.get(e.getKey())).isEqualTo(e.getValue()));
    }
    assertThat(object("Service", RECEIVER).at("/spec/clusterIP").asText()).isEqualTo("None");
    JsonNode lb = object("Service", "thanos-receive-remote-write");
    assertThat(lb.at("/spec/type").asText()).isEqualTo("LoadBalancer");
    assertThat(lb.at("/spec/ports")).extracting(p -> p.path("port").asInt()).containsExactly(19291);
    assertThat(object("PodDisruptionBudget", RECEIVER).at("/spec/maxUnavailable").asInt())
        .isEqualTo(1);

    JsonNode monitor = object("ServiceMonitor", RECEIVER);
    JsonNode peersLabels = object("Service", RECEIVER).at("/metadata/labels");
    JsonNode lbLabels = lb.at("/metadata/labels");
    boolean selectsLb = true;
    for (var it = monitor.at("/spec/selector/matchLabels").fields(); it.hasNext(); ) {
      var e = it.next();
      assertThat(peersLabels.get(e.getKey())).isEqualTo(e.getValue());
      selectsLb &= e.getValue().equals(lbLabels.get(e.getKey()));
    }
    assertThat(selectsLb).as("the ServiceMonitor also selects the load-balanced Service").isFalse();
    assertThat(monitor.at("/spec/endpoints/0/port").asText()).isEqualTo("http");
  }

  @Test
  void startsWithTheRenderedArgumentsOnLoopbackAndTurnsReady() throws Exception {
    JsonNode c = receiverContainer();
    String pod = RECEIVER + "-0";
    List<String> rendered = new ArrayList<>();
    for (String a : args(c)) {
      rendered.add(expand(a, podEnv(pod)));
    }
    int rw = ItFixtures.freePort();
    int web = ItFixtures.freePort();
    int grpc = ItFixtures.freePort();

    // Every endpoint of the ring on loopback; this replica's on the port it listens on.
    String self = flags(rendered).get("--receive.local-endpoint");
    Map<String, String> endpoints = new LinkedHashMap<>();
    JsonNode rings = hashrings();
    for (JsonNode ring : rings) {
      for (JsonNode e : ring.path("endpoints")) {
        String to =
            e.asText().equals(self) ? "127.0.0.1:" + grpc : "127.0.0.1:" + ItFixtures.freePort();
        endpoints.put(e.asText(), to);
      }
    }
    assertThat(endpoints).containsKey(self);
    for (JsonNode ring : rings) {
      ArrayNode list = ((ObjectNode) ring).putArray("endpoints");
      endpoints.values().forEach(list::add);
    }
    Path hashringFile =
        Files.writeString(
            dir.resolve("hashrings.json"), new ObjectMapper().writeValueAsString(rings));
    Path bucketFile =
        Files.writeString(
            dir.resolve("objstore.yaml"),
            "type: FILESYSTEM\nconfig:\n  directory: " + dir.resolve("bucket") + "\n");

    Map<String, String> remap =
        Map.of(
            "--grpc-address", "127.0.0.1:" + grpc,
            "--http-address", "127.0.0.1:" + web,
            "--remote-write.address", "127.0.0.1:" + rw,
            "--tsdb.path", dir.resolve("data").toString(),
            "--receive.hashrings-file", hashringFile.toString(),
            "--objstore.config-file", bucketFile.toString(),
            "--receive.local-endpoint", endpoints.get(self));
    List<String> args = new ArrayList<>();
    for (String a : rendered) {
      int eq = a.indexOf('=');
      String name = eq < 0 ? a : a.substring(0, eq);
      args.add(remap.containsKey(name) ? name + "=" + remap.get(name) : a);
    }
    for (String a : args) {
      assertThat(a)
          .as("an address or a path of the cluster is left in the arguments")
          .doesNotContain("0.0.0.0")
          .doesNotContain("svc.cluster.local")
          .doesNotContain("=/var/")
          .doesNotContain("=/etc/")
          .doesNotContain("$(");
    }

    sluice =
        ExternalProcess.start(
            ItFixtures.sluiceCommand(args.toArray(String[]::new)), dir.resolve("sluice.log"));
    ItFixtures.awaitReady(sluice, web);

    String metrics = ItFixtures.get(web, "/metrics").body();
    assertThat(metrics).contains("thanos_receive_replication_factor 3.0");
    assertThat(metrics).containsPattern("thanos_receive_hashring_nodes\\{name=\"default\"} 3\\.0");
    // Every flag of the manifests is one Sluice implements: none is accepted-but-ignored.
    assertThat(sluice.output()).doesNotContain("not implemented yet");
  }

  // --- rendering and reading the objects ---

  /** Runs {@code kubectl kustomize dir} and parses the objects it prints. */
  static List<JsonNode> kustomize(Path dir) throws Exception {
    Path out = Files.createTempFile("kustomize", ".yaml");
    Path err = Files.createTempFile("kustomize", ".err");
    try {
      Process p;
      try {
        p =
            new ProcessBuilder("kubectl", "kustomize", dir.toString())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
      } catch (IOException e) {
        throw new AssertionError(
            "kubectl is needed to render deploy/ (Debian: apt-get install kubernetes-client;"
                + " .ci/run installs it): "
                + e.getMessage(),
            e);
      }
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("kubectl kustomize " + dir + " did not finish in 120 s");
      }
      assertThat(p.exitValue()).as("kubectl kustomize %s: %s", dir, Files.readString(err)).isZero();
      List<JsonNode> docs = new ArrayList<>();
      try (var it = new YAMLMapper().readerFor(JsonNode.class).<JsonNode>readValues(out.toFile())) {
        while (it.hasNext()) {
          JsonNode d = it.next();
          if (d != null && !d.isNull() && !d.isEmpty()) {
            docs.add(d);
          }
        }
      }
      return docs;
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static JsonNode object(String kind, String name) {
    return objects.stream()
        .filter(o -> o.path("kind").asText().equals(kind))
        .filter(o -> o.at("/metadata/name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + "/" + name + " rendered"));
  }

  private static JsonNode receiverContainer() {
    for (JsonNode c : object("StatefulSet", RECEIVER).at("/spec/template/spec/containers")) {
      if (c.path("name").asText().equals(RECEIVER)) {
        return c;
      }
    }
    throw new AssertionError("no container " + RECEIVER);
  }

  private static List<String> args(JsonNode container) {
    List<String> args = new ArrayList<>();
    container.path("args").forEach(a -> args.add(a.asText()));
    assertThat(container.has("command")).as("command replaces the image's entrypoint").isFalse();
    return args;
  }

  /** {@code --name=value} arguments by name; each appears once except {@code --label}. */
  private static Map<String, String> flags(List<String> args) {
    Map<String, String> flags = new HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0 && !a.startsWith("--label=")) {
        assertThat(flags.put(a.substring(0, eq), a.substring(eq + 1))).as("%s twice", a).isNull();
      }
    }
    return flags;
  }

  /** The name of the volume mounted at {@code path} in {@code container}. */
  private static String mountName(JsonNode container, String path) {
    for (JsonNode m : container.path("volumeMounts")) {
      if (m.path("mountPath").asText().equals(path)) {
        return m.path("name").asText();
      }
    }
    throw new AssertionError("nothing is mounted at " + path);
  }

  /** The pod's volume mounted at {@code path} in {@code container}. */
  private static JsonNode mountedVolume(JsonNode container, String path) {
    String name = mountName(container, path);
    for (JsonNode v : object("StatefulSet", RECEIVER).at("/spec/template/spec/volumes")) {
      if (v.path("name").asText().equals(name)) {
        return v;
      }
    }
    throw new AssertionError("no pod volume " + name);
  }

  private static JsonNode hashrings() throws IOException {
    JsonNode c = receiverContainer();
    Path file = Path.of(flags(args(c)).get("--receive.hashrings-file"));
    String configMap = mountedVolume(c, file.getParent().toString()).at("/configMap/name").asText();
    String json =
        object("ConfigMap", configMap).path("data").path(file.getFileName().toString()).asText();
    return new ObjectMapper().readTree(json);
  }

  private static String objstoreYaml() {
    JsonNode c = receiverContainer();
    Path file = Path.of(flags(args(c)).get("--objstore.config-file"));
    String secret = mountedVolume(c, file.getParent().toString()).at("/secret/secretName").asText();
    String b64 = object("Secret", secret).path("data").path(file.getFileName().toString()).asText();
    return new String(Base64.getMimeDecoder().decode(b64), StandardCharsets.UTF_8);
  }

  /**
   * The container's environment as the kubelet sets it for pod {@code pod}: downward-API references
   * to the pod's name and namespace, and literal values.
   */
  private static Map<String, String> podEnv(String pod) {
    JsonNode sts = object("StatefulSet", RECEIVER);
    Map<String, String> env = new HashMap<>();
    for (JsonNode e : receiverContainer().path("env")) {
      String field = e.at("/valueFrom/fieldRef/fieldPath").asText();
      String value =
          switch (field) {
            case "metadata.name" -> pod;
            case "metadata.namespace" -> sts.at("/metadata/namespace").asText();
            case "" -> e.path("value").asText();
            default -> throw new AssertionError("env from an unexpected field: " + field);
          };
      env.put(e.path("name").asText(), value);
    }
    return env;
  }

  private static final Pattern VAR = Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  /**
   * Expands {@code $(VAR)} from {@code env} as Kubernetes expands container arguments: {@code $$}
   * is a literal {@code $}, an undefined variable stays as written.
   */
  static String expand(String arg, Map<String, String> env) {
    Matcher m = VAR.matcher(arg);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (m.group(1) == null) {
        replacement = "$";
      } else {
        replacement = env.getOrDefault(m.group(1), m.group());
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
