package io.cdcsink.core.admin;

import io.cdcsink.api.AdminRoutes;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code --metricsAddr} server of commands without a changefeed server of their own ({@code pglogical},
 * {@code mylogical}): the replicator's {@link AdminRoutes} on Jetty, as the changefeed server serves them; every
 * other path is 404. Its thread pool is small: a scraper and an operator's browser are its only callers.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final int MAX_THREADS = 8;

    private final String address;
    private final AdminRoutes routes;
    private Server server;
    private ServerConnector connector;

    public AdminServer(String address, AdminRoutes routes) {
        parse(address);
        this.address = address;
        this.routes = routes;
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
        return InetSocketAddress.createUnresolved(host, port);
    }

    public synchronized void start() throws Exception {
        InetSocketAddress at = parse(address);
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
        threads.setName("admin-http");
        Server s = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector c = new ServerConnector(s, 1, 1, new HttpConnectionFactory(http));
        if (!at.getHostString().isEmpty()) {
            c.setHost(at.getHostString());
        }
        c.setPort(at.getPort());
        s.addConnector(c);
        s.setHandler(new Routes(routes));
        s.setStopAtShutdown(false);
        try {
            s.start();
        } catch (Exception e) {
            s.stop();
            throw new IllegalStateException("could not listen on --metricsAddr " + address + ": " + e.getMessage(),
                    e);
        }
        server = s;
        connector = c;
        LOG.info("metrics at http://{}/_/varz, status page at http://{}/_/", hostPort(), hostPort());
    }

    private String hostPort() {
        String host = connector.getHost() == null ? "localhost" : connector.getHost();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + connector.getLocalPort();
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public synchronized void close() throws Exception {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    private static final class Routes extends Handler.Abstract {
        private final AdminRoutes routes;

        Routes(AdminRoutes routes) {
            this.routes = routes;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            AdminRoutes.Response reply;
            try {
                reply = routes.handle(request.getMethod(), request.getHttpURI().getPath(),
                                Optional.ofNullable(request.getHeaders().get(HttpHeader.ACCEPT)),
                                AdminRoutes.token(Optional.ofNullable(request.getHeaders().get(HttpHeader.AUTHORIZATION)),
                                        Optional.ofNullable(request.getHttpURI().getQuery())))
                        .orElseGet(() -> ReplicatorRoutes.text(404, "404 page not found"));
            } catch (RuntimeException e) {
                LOG.error("{} {}: request failed", request.getMethod(), request.getHttpURI().getPath(), e);
                reply = ReplicatorRoutes.text(500, "internal server error");
            }
            response.setStatus(reply.status());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.write(true, ByteBuffer.wrap(reply.body()), callback);
            return true;
        }
    }
}
