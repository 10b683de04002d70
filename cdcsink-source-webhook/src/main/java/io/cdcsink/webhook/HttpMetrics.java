package io.cdcsink.webhook;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Request counters of the HTTP server. */
public final class HttpMetrics {
    private final Counter requests;
    private final Histogram duration;
    private final Counter bytes;

    public HttpMetrics(PrometheusRegistry registry) {
        requests = Counter.builder().withoutExemplars().name("http_requests_total")
                .help("HTTP requests served, by status code").labelNames("code").register(registry);
        duration = Histogram.builder().withoutExemplars().name("http_request_duration_seconds")
                .help("Time to handle an HTTP request, in seconds").classicOnly().register(registry);
        bytes = Counter.builder().withoutExemplars().name("http_request_bytes_total")
                .help("Request body bytes received").register(registry);
    }

    void record(int status, long bodyBytes, long nanos) {
        requests.labelValues(Integer.toString(status)).inc();
        duration.observe(nanos / 1e9);
        if (bodyBytes > 0) {
            bytes.inc(bodyBytes);
        }
    }
}
