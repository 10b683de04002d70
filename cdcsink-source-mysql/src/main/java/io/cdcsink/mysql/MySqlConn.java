package io.cdcsink.mysql;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed {@code --sourceConn}: {@code mysql://user:password@host:port/?sslmode=disable} with, for the TLS modes,
 * {@code sslrootcert} (PEM CA file, required) and an optional {@code sslcert}/{@code sslkey} client pair.
 */
public record MySqlConn(String user, String password, String host, int port, SslMode sslMode,
                        Optional<Path> sslRootCert, Optional<Path> sslCert, Optional<Path> sslKey) {
    public MySqlConn {
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(sslMode, "sslMode");
        Objects.requireNonNull(sslRootCert, "sslRootCert");
        Objects.requireNonNull(sslCert, "sslCert");
        Objects.requireNonNull(sslKey, "sslKey");
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("--sourceConn: a user name is required (mysql://user:password@host:port/)");
        }
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("--sourceConn: a host is required (mysql://user:password@host:port/)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--sourceConn: invalid port " + port);
        }
        if (sslMode != SslMode.DISABLE && sslRootCert.isEmpty() && sslMode != SslMode.REQUIRE) {
            throw new IllegalArgumentException("--sourceConn: sslmode=" + sslMode.text()
                    + " needs sslrootcert=<PEM file of the CA that signed the server certificate>");
        }
        if (sslCert.isPresent() != sslKey.isPresent()) {
            throw new IllegalArgumentException("--sourceConn: sslcert and sslkey must be given together");
        }
    }

    /** Parses the URL form, naming {@code --sourceConn} in every error. */
    public static MySqlConn parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("--sourceConn is required, e.g. mysql://user:password@host:3306/?sslmode=disable");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--sourceConn is not a URL: " + e.getMessage(), e);
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("mysql") || uri.getScheme().equals("mariadb"))) {
            throw new IllegalArgumentException("--sourceConn must start with mysql:// (got \"" + uri.getScheme() + "\")");
        }
        if (uri.getPort() < 0) {
            throw new IllegalArgumentException("--sourceConn: the port is required, e.g. mysql://user:password@host:3306/");
        }
        String userInfo = Optional.ofNullable(uri.getRawUserInfo()).orElse("");
        int colon = userInfo.indexOf(':');
        String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
        String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        Map<String, String> query = query(uri.getRawQuery());
        String mode = query.get("sslmode");
        if (mode == null) {
            throw new IllegalArgumentException("--sourceConn: sslmode is required: disable, require, verify-ca or verify-full");
        }
        query.keySet().stream()
                .filter(k -> !Map.of("sslmode", 1, "sslrootcert", 1, "sslcert", 1, "sslkey", 1).containsKey(k))
                .findFirst().ifPresent(k -> {
                    throw new IllegalArgumentException("--sourceConn: unknown parameter \"" + k
                            + "\"; accepted: sslmode, sslrootcert, sslcert, sslkey");
                });
        return new MySqlConn(user, password, uri.getHost(), uri.getPort(), SslMode.parse(mode),
                Optional.ofNullable(query.get("sslrootcert")).map(Path::of),
                Optional.ofNullable(query.get("sslcert")).map(Path::of),
                Optional.ofNullable(query.get("sslkey")).map(Path::of));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            out.put(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return out;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** A plain SQL connection to the server with these settings (TLS included), to no database. */
    public java.sql.Connection open() throws java.sql.SQLException {
        return new SourceConnector(this).sql();
    }

    /** The URL {@link #parse} reads back to these settings, password included: for configuration, never logs. */
    public String url() {
        String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        StringBuilder sb = new StringBuilder("mysql://").append(encode(user)).append(':').append(encode(password))
                .append('@').append(h).append(':').append(port).append("/?sslmode=").append(sslMode.text());
        sslRootCert.ifPresent(p -> sb.append("&sslrootcert=").append(encode(p.toString())));
        sslCert.ifPresent(p -> sb.append("&sslcert=").append(encode(p.toString())));
        sslKey.ifPresent(p -> sb.append("&sslkey=").append(encode(p.toString())));
        return sb.toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return "mysql://" + user + ":***@" + host + ":" + port + "/?sslmode=" + sslMode.text();
    }
}
