// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs the command end to end against a {@link RwSink} on an ephemeral loopback port. */
class RwLoadTest {

  private static final InstantSource CLOCK =
      InstantSource.fixed(Instant.parse("2026-01-02T03:04:05Z"));

  private RwSink sink;

  @BeforeEach
  void startSink() throws Exception {
    sink = RwSink.start("127.0.0.1", 0, 4);
  }

  @AfterEach
  void stopSink() {
    sink.close();
  }

  private record Run(int exitCode, String out, String err, RwLoad command) {
    JsonNode json() throws Exception {
      String[] lines = out.strip().split("\\R");
      return new ObjectMapper().readTree(lines[lines.length - 1]);
    }
  }

  private static Run run(String... args) {
    RwLoad command = new RwLoad(CLOCK);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        RwLoad.newCommandLine(command)
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    return new Run(code, out.toString(), err.toString(), command);
  }

  private String url() {
    return "--url=http://127.0.0.1:" + sink.port() + "/api/v1/receive";
  }

  @ParameterizedTest
  @CsvSource({"v1,netty", "v2,netty", "v1,jdk", "v2,jdk"})
  void sinkReceivesExactlyEverySampleOfEveryRound(String protocol, String client) throws Exception {
    Run run =
        run(
            url(),
            "--protocol=" + protocol,
            "--client=" + client,
            "--series=3000",
            "--samples-per-request=700",
            "--shards=3",
            "--rounds=4",
            "--warmup=1",
            "--tenant=team-a");

    assertThat(run.exitCode()).as(run.err()).isZero();
    // 1000 series per shard, cut into 700 + 300: 2 requests per shard and round. The JIT warm-up
    // went to an in-process sink of its own, not to this receiver.
    assertThat(sink.requests()).isEqualTo(3 * 2 * 4);
    assertThat(sink.samples()).isEqualTo(3000 * 4);
    assertThat(sink.series()).isEqualTo(3000 * 4);
    assertThat(sink.undecodable()).isZero();

    JsonNode json = run.json();
    assertThat(json.get("protocol").asText()).isEqualTo(protocol);
    assertThat(json.get("client").asText()).isEqualTo(client);
    assertThat(json.get("jitWarmupRequests").asInt()).isEqualTo(200);
    assertThat(json.get("requests").asLong()).isEqualTo(3 * 2 * 3);
    assertThat(json.get("samplesSent").asLong()).isEqualTo(3000 * 3);
    assertThat(json.get("samplesAccepted").asLong()).isEqualTo(3000 * 3);
    assertThat(json.get("samplesWrittenReported").asLong()).isEqualTo(3000 * 3);
    assertThat(json.get("warmupRequests").asLong()).isEqualTo(3 * 2);
    assertThat(json.get("statusCodes").get("200").asLong()).isEqualTo(18);
    assertThat(json.get("errors").asLong()).isZero();
    assertThat(json.get("stoppedBy").asText()).isEqualTo("completed");
    assertThat(json.get("latencyP99Ms").asDouble())
        .isLessThanOrEqualTo(json.get("latencyMaxMs").asDouble());
    assertThat(json.get("encodedBytes").asLong()).isPositive();
    assertThat(json.get("firstTimestampMs").asLong()).isEqualTo(CLOCK.millis() - 3 * 15_000L);
    assertThat(run.out()).contains("samples/s");
  }

  @Test
  void jsonFlagPrintsOnlyTheJsonLine() throws Exception {
    Run run = run(url(), "--series=500", "--rounds=2", "--jit-warmup=0", "--json");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().strip().lines()).hasSize(1);
    assertThat(run.json().get("samplesAccepted").asLong()).isEqualTo(500);
    assertThat(run.command().result().samplesAccepted()).isEqualTo(500);
  }

  @Test
  void pacedRunDeliversEverySampleAndReportsLatencyFromWhenRequestsWereDue() throws Exception {
    Run run =
        run(
            url(),
            "--series=1000",
            "--samples-per-request=100",
            "--rounds=3",
            "--rate=200000",
            "--jit-warmup=0",
            "--json");

    assertThat(run.exitCode()).isZero();
    assertThat(sink.samples()).isEqualTo(3000);
    JsonNode json = run.json();
    assertThat(json.get("samplesAccepted").asLong()).isEqualTo(2000);
    // A request is due no later than it is sent, so each latency from when it was due is at least
    // its latency from when it was sent, and so is every percentile.
    for (String p : List.of("P50", "P99", "Max")) {
      assertThat(json.get("scheduledLatency" + p + "Ms").asDouble())
          .as(p)
          .isGreaterThanOrEqualTo(json.get("latency" + p + "Ms").asDouble());
    }
  }

  @Test
  void aSenderBehindItsScheduleCountsTheWaitOfEveryLaterRequest() throws Exception {
    // A rate no receiver reaches: all 20 timed requests of the one shard are due at the start,
    // and each is sent only after the ones before it were answered. So the last one's latency
    // from when it was due covers every request's latency from when it was sent.
    Run run =
        run(
            url(),
            "--series=1000",
            "--samples-per-request=100",
            "--shards=1",
            "--rounds=3",
            "--rate=1e15",
            "--jit-warmup=0",
            "--json");

    assertThat(run.exitCode()).isZero();
    JsonNode json = run.json();
    long requests = json.get("requests").asLong();
    assertThat(requests).isEqualTo(20);
    double sumOfLatencies = requests * json.get("latencyMeanMs").asDouble();
    // Rounded to microseconds in the JSON: allow that rounding per request.
    assertThat(json.get("scheduledLatencyMaxMs").asDouble())
        .isGreaterThanOrEqualTo(sumOfLatencies - requests * 0.001);
    assertThat(json.get("scheduledLatencyMaxMs").asDouble())
        .isGreaterThan(json.get("latencyMaxMs").asDouble());
  }

  @ParameterizedTest
  @ValueSource(strings = {"netty", "jdk"})
  void unreachableReceiverCountsErrorsAndStillExitsWithZero(String client) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }

    Run run =
        run(
            "--url=http://127.0.0.1:" + port + "/api/v1/write",
            "--client=" + client,
            "--series=200",
            "--rounds=2",
            "--timeout=5s",
            "--jit-warmup=0",
            "--json");

    assertThat(run.exitCode()).isZero();
    JsonNode json = run.json();
    assertThat(json.get("errors").asLong()).isEqualTo(json.get("requests").asLong()).isPositive();
    assertThat(json.get("samplesAccepted").asLong()).isZero();
    assertThat(json.get("firstError").asText()).isNotEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"netty", "jdk"})
  void rejectedRequestsAreCountedByStatusAndTheirSamplesAreNotAccepted(String client)
      throws Exception {
    HttpServer conflict = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    conflict.createContext(
        "/",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            byte[] message = "out of order sample".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(409, message.length);
            exchange.getResponseBody().write(message);
          }
        });
    conflict.start();
    try {
      Run run =
          run(
              "--url=http://127.0.0.1:" + conflict.getAddress().getPort() + "/api/v1/receive",
              "--client=" + client,
              "--series=1000",
              "--samples-per-request=100",
              "--shards=2",
              "--rounds=3",
              "--jit-warmup=0",
              "--json");

      assertThat(run.exitCode()).isZero();
      JsonNode json = run.json();
      assertThat(json.get("statusCodes").get("409").asLong()).isEqualTo(20);
      assertThat(json.get("non2xx").asLong()).isEqualTo(20);
      assertThat(json.get("warmupNon2xx").asLong()).isEqualTo(10);
      assertThat(json.get("samplesSent").asLong()).isEqualTo(2000);
      assertThat(json.get("samplesAccepted").asLong()).isZero();
      assertThat(json.get("errors").asLong()).isZero();
    } finally {
      conflict.stop(0);
    }
  }

  @Test
  void usageErrorsExitWithTwo() {
    List<String> bad =
        List.of(
            "--series=0",
            "--protocol=v3",
            "--rounds=1 --warmup=1",
            "--interval=fifteen",
            "--client=curl",
            "--no-such-flag");

    for (String args : bad) {
      Run run = run(args.split(" "));
      assertThat(run.exitCode()).as(args).isEqualTo(2);
      assertThat(run.err()).as(args).isNotEmpty();
    }
  }

  @Test
  void sinkCountsEvenBodiesItCannotDecodeAndAnswersThemWith200() throws Exception {
    HttpResponse<Void> response;
    try (HttpClient client = HttpClient.newHttpClient()) {
      response =
          client.send(
              HttpRequest.newBuilder(URI.create(url().substring("--url=".length())))
                  .POST(HttpRequest.BodyPublishers.ofString("not snappy"))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
    }

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(sink.requests()).isEqualTo(1);
    assertThat(sink.undecodable()).isEqualTo(1);
  }
}
