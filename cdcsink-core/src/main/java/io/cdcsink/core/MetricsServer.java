package io.cdcsink.core;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cdcsink.api.Source;
import io.cdcsink.engine.TargetPools;
import io.cdcsink.core.status.StatusPages;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code --metricsAddr} endpoint of the logical sources: {@code /_/varz} (Prometheus) and {@code /_/healthz}
 * (200 {@code OK} while the target answers and every {@link HealthIndicator} is healthy, else 503 naming the
 * problems), {@code /_/status} and the status page {@code /_/} (see {@link StatusPages}); everything else is 404.
 * Uses the JDK's HTTP server: a handful of routes need no more.
 */
public final class MetricsServer implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

    private final String address;
    private final PrometheusRegistry registry;
    private final TargetPools pools;
    private final Set<HealthIndicator> indicators;
    private final StatusPages pages;
    private final ExpositionFormats formats = ExpositionFormats.init();
    private HttpServer server;
    private ExecutorService executor;

    public MetricsServer(String address, PrometheusRegistry registry, TargetPools pools,
                         Set<HealthIndicator> indicators, StatusPages pages) {
        this.address = address;
        this.pages = pages;
        this.registry = registry;
        this.pools = pools;
        this.indicators = indicators;
    }

    /** Parses {@code host:port}, {@code :port} (all interfaces) or {@code [v6]:port}. */
    static InetSocketAddress parse(String address) {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--metricsAddr must be host:port, was \"" + address + "\"");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--metricsAddr has a bad port: \"" + address + "\"", e);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--metricsAddr port out of range: " + port);
        }
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    @Override
    public void start() throws IOException {
        server = HttpServer.create(parse(address), 64);
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        LOG.info("metrics at http://{}/_/varz, status page at http://{}/_/", address, address);
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Optional<StatusPages.Page> page = pages.get(path);
            if (page.isPresent()) {
                exchange.getResponseHeaders().set("Cache-Control", "no-store");
                reply(exchange, page.get().status(), page.get().contentType(), page.get().body());
            } else if (path.equals("/_/varz")) {
                ExpositionFormatWriter writer = formats.findWriter(exchange.getRequestHeaders().getFirst("Accept"));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                writer.write(out, registry.scrape());
                reply(exchange, 200, writer.getContentType(), out.toByteArray());
            } else if (path.equals("/_/healthz")) {
                List<String> problems = problems();
                if (problems.isEmpty()) {
                    reply(exchange, 200, "text/plain; charset=utf-8", "OK".getBytes(StandardCharsets.UTF_8));
                } else {
                    reply(exchange, 503, "text/plain; charset=utf-8",
                            String.join("\n", problems).getBytes(StandardCharsets.UTF_8));
                }
            } else {
                reply(exchange, 404, "text/plain; charset=utf-8", "not found".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private List<String> problems() {
        List<String> problems = new ArrayList<>();
        boolean ok;
        try {
            ok = pools.ping();
        } catch (RuntimeException e) {
            ok = false;
        }
        if (!ok) {
            problems.add("the target database does not answer");
        }
        for (HealthIndicator h : indicators) {
            h.problem().ifPresent(problems::add);
        }
        return problems;
    }

    private static void reply(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
