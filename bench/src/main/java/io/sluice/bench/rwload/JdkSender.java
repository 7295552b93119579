// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A {@link RequestSender} on {@code java.net.http.HttpClient} (HTTP/1.1, its own client). */
public final class JdkSender implements RequestSender {

  private final LoadConfig config;
  private final URI uri;
  private final HttpClient client;

  JdkSender(LoadConfig config, URI uri) {
    this.config = config;
    this.uri = uri;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(config.timeout())
            .build();
  }

  @Override
  public Response send(EncodedLoad.Body body) throws IOException, InterruptedException {
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(uri)
            .timeout(config.timeout())
            .header("Content-Encoding", "snappy")
            .header("Content-Type", config.protocol().contentType())
            .header("X-Prometheus-Remote-Write-Version", config.protocol().versionHeader())
            .header("User-Agent", USER_AGENT)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.data()));
    if (config.tenant() != null) {
      rb.header("THANOS-TENANT", config.tenant());
    }
    HttpResponse<Void> response = client.send(rb.build(), HttpResponse.BodyHandlers.discarding());
    return new Response(
        response.statusCode(),
        RequestSender.parseCount(
            response.headers().firstValue(SAMPLES_WRITTEN_HEADER).orElse(null)));
  }

  @Override
  public void close() {
    client.close();
  }
}
