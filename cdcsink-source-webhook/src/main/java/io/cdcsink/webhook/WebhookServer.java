package io.cdcsink.webhook;

import io.cdcsink.api.Source;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changefeed HTTP server: a Jetty server owning its threads, started and stopped by the replicator. Speaks
 * HTTP/1.1 and HTTP/2: over TLS (chosen by ALPN) when a certificate is configured, otherwise in clear text (h2c).
 */
public final class WebhookServer implements Source {
    private static final Logger log = LoggerFactory.getLogger(WebhookServer.class);
    /** In-flight requests get this long to finish on shutdown, as the original allowed. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final WebhookConfig config;
    private final WebhookHandler handler;
    private Server server;
    private ServerConnector connector;

    public WebhookServer(WebhookConfig config, WebhookHandler handler) {
        this.config = config;
        this.handler = handler;
    }

    @Override
    public synchronized void start() throws Exception {
        if (server != null) {
            throw new IllegalStateException("webhook server already started");
        }
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("webhook");
        Server s = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        Optional<TlsMaterial> tls = TlsMaterial.from(config);
        ServerConnector c = tls.isPresent() ? tlsConnector(s, http, tls.get())
                : new ServerConnector(s, new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http));
        config.bindAddress().host().ifPresent(c::setHost);
        c.setPort(config.bindAddress().port());
        s.addConnector(c);
        // GracefulHandler lets stop() wait for requests in flight instead of cutting them off.
        s.setHandler(new GracefulHandler(handler));
        s.setStopTimeout(STOP_TIMEOUT.toMillis());
        s.setStopAtShutdown(false);
        try {
            s.start();
        } catch (Exception e) {
            s.stop();
            throw new IllegalStateException("could not listen on --bindAddr " + config.bindAddress() + ": "
                    + e.getMessage(), e);
        }
        server = s;
        connector = c;
        log.info("Server listening on {}://{}", tls.isPresent() ? "https" : "http",
                config.bindAddress().host().orElse("*") + ":" + c.getLocalPort());
    }

    private static ServerConnector tlsConnector(Server s, HttpConfiguration plain, TlsMaterial tls) {
        // The key store only lives in memory; its password just satisfies the API.
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String password = Base64.getEncoder().encodeToString(random);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(tls.keyStore(password.toCharArray()));
        ssl.setKeyStorePassword(password);
        ssl.setCipherComparator(HTTP2Cipher.COMPARATOR);
        HttpConfiguration https = new HttpConfiguration(plain);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Changefeeds often address the server by IP or through a load balancer name: do not tie Host to SNI.
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        HttpConnectionFactory http1 = new HttpConnectionFactory(https);
        HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(https);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http1.getProtocol());
        return new ServerConnector(s, new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, http2, http1);
    }

    /** The port actually bound (useful when the configured port is 0). */
    public synchronized int port() {
        if (connector == null) {
            throw new IllegalStateException("webhook server not started");
        }
        return connector.getLocalPort();
    }

    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        log.info("Server shutting down");
        try {
            // Waits for requests in flight, at most STOP_TIMEOUT, then closes what is left.
            server.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the webhook server", e);
        } catch (Exception e) {
            throw new IllegalStateException("webhook server did not stop cleanly: " + e.getMessage(), e);
        } finally {
            server = null;
            connector = null;
        }
        log.info("Server shutdown complete");
    }
}
