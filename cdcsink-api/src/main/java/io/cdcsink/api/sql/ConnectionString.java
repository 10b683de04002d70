package io.cdcsink.api.sql;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A target connection string, given either the way the spec shows it
 * ({@code postgresql://user:pass@host:port/db?sslmode=disable}, also {@code postgres://}) or as a JDBC URL
 * ({@code jdbc:postgresql://host:port/db?user=...}); for a MySQL or MariaDB server
 * {@code mysql://user:pass@host:port/db?sslmode=disable} (also {@code mariadb://}, {@code jdbc:mysql://},
 * {@code jdbc:mariadb://}). Turns into a JDBC URL for any database on the same server.
 *
 * @param flag       the flag or setting the string came from ({@code --conn}, {@code --targetConn}), named in error
 *                   messages long after parsing, such as the start-up check's
 * @param protocol   which server protocol, so which driver, the string is for
 * @param hosts      {@code host:port} list as written (PgJDBC accepts a comma-separated list)
 * @param database   the database named in the string, if any
 * @param user       the user, if any
 * @param password   the password, if any
 * @param parameters remaining query parameters, passed to the driver
 */
public record ConnectionString(String flag, Protocol protocol, String hosts, Optional<String> database, Optional<String> user,
                               Optional<String> password, Map<String, String> parameters) {
    /** The wire protocols cdc-sink speaks to a target, each with its driver and default port. */
    public enum Protocol {
        POSTGRESQL("postgresql", "jdbc:postgresql://", 5432),
        /** MySQL and MariaDB, through MariaDB's driver (it speaks to both). */
        MYSQL("mysql", "jdbc:mariadb://", 3306);

        private final String scheme;
        private final String jdbcPrefix;
        private final int defaultPort;

        Protocol(String scheme, String jdbcPrefix, int defaultPort) {
            this.scheme = scheme;
            this.jdbcPrefix = jdbcPrefix;
            this.defaultPort = defaultPort;
        }
    }

    /**
     * The database a MySQL connection string without one is described with. MySQL needs no database to connect
     * (every table cdc-sink names is qualified with its own), and this one exists on every server.
     */
    static final String MYSQL_DEFAULT_DATABASE = "mysql";

    /**
     * The driver settings a {@code sslmode} value stands for on MySQL (MariaDB's driver spells them
     * {@code sslMode}; {@code require} encrypts without checking the certificate, as libpq's does).
     */
    private static final Map<String, String> MYSQL_SSL_MODES = Map.of("disable", "disable", "require", "trust",
            "verify-ca", "verify-ca", "verify-full", "verify-full");

    public ConnectionString {
        parameters = Map.copyOf(parameters);
    }

    /**
     * Parses a connection string.
     *
     * @param flag the flag it came from, named in error messages
     */
    public static ConnectionString parse(String flag, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(flag + ": no connection string given");
        }
        String s = text.strip();
        if (s.startsWith("jdbc:postgresql://")) {
            return parseUri(flag, text, s.substring("jdbc:".length()), Protocol.POSTGRESQL);
        }
        if (s.startsWith("postgresql://") || s.startsWith("postgres://")) {
            return parseUri(flag, text, s, Protocol.POSTGRESQL);
        }
        if (s.startsWith("jdbc:mysql://") || s.startsWith("jdbc:mariadb://")) {
            return parseUri(flag, text, s.substring("jdbc:".length()), Protocol.MYSQL);
        }
        if (s.startsWith("mysql://") || s.startsWith("mariadb://")) {
            return parseUri(flag, text, s, Protocol.MYSQL);
        }
        throw new IllegalArgumentException(flag + ": unsupported connection string \"" + redact(text)
                + "\"; expected postgresql://user@host:port/database?sslmode=..., mysql://user@host:port/database"
                + "?sslmode=... or a jdbc:postgresql:// or jdbc:mariadb:// URL");
    }

    private static ConnectionString parseUri(String flag, String original, String s, Protocol protocol) {
        int defaultPort = protocol.defaultPort;
        int scheme = s.indexOf("://");
        String rest = s.substring(scheme + 3);
        int slash = rest.indexOf('/');
        int question = rest.indexOf('?');
        int authorityEnd = slash >= 0 ? slash : (question >= 0 ? question : rest.length());
        if (question >= 0 && question < authorityEnd) {
            authorityEnd = question;
        }
        String authority = rest.substring(0, authorityEnd);
        String path = "";
        String query = "";
        String tail = rest.substring(authorityEnd);
        if (tail.startsWith("/")) {
            int q = tail.indexOf('?');
            path = q >= 0 ? tail.substring(1, q) : tail.substring(1);
            query = q >= 0 ? tail.substring(q + 1) : "";
        } else if (tail.startsWith("?")) {
            query = tail.substring(1);
        }
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                user = Optional.of(decode(userInfo.substring(0, colon)));
                password = Optional.of(decode(userInfo.substring(colon + 1)));
            } else if (!userInfo.isEmpty()) {
                user = Optional.of(decode(userInfo));
            }
        }
        if (authority.isEmpty()) {
            authority = "localhost";
        }
        StringBuilder hosts = new StringBuilder();
        for (String host : authority.split(",")) {
            if (hosts.length() > 0) {
                hosts.append(',');
            }
            boolean hasPort = host.startsWith("[") ? host.contains("]:") : host.contains(":");
            hosts.append(hasPort ? host : host + ":" + defaultPort);
        }
        try {
            new URI("postgresql://" + hosts.toString().split(",")[0] + "/");
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(flag + ": bad host in \"" + redact(original) + "\": " + e.getMessage());
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decode(eq >= 0 ? pair.substring(0, eq) : pair);
            String v = eq >= 0 ? decode(pair.substring(eq + 1)) : "";
            switch (k) {
                case "user" -> user = Optional.of(v);
                case "password" -> password = Optional.of(v);
                default -> params.put(k, v);
            }
        }
        String db = decode(path);
        return new ConnectionString(flag, protocol, hosts.toString(), db.isEmpty() ? Optional.empty() : Optional.of(db), user,
                password, params);
    }

    /**
     * The database to use when none is asked for: the one named, else the user's, as libpq does; on MySQL, where
     * a connection needs none, the server's own {@value #MYSQL_DEFAULT_DATABASE}.
     */
    public String defaultDatabase() {
        return database.orElse(protocol == Protocol.MYSQL ? MYSQL_DEFAULT_DATABASE : user.orElse("postgres"));
    }

    /** The server and database as a person names them, {@code user@host:port/database}; never the password. */
    public String describe() {
        return user.map(u -> u + "@").orElse("") + hosts + "/" + defaultDatabase();
    }

    /**
     * A JDBC URL for the given database on this server; credentials go in the URL as parameters. On MySQL the
     * libpq-style {@code sslmode} and {@code sslrootcert} become the driver's {@code sslMode} and
     * {@code serverSslCert}.
     */
    public String jdbcUrl(String db) {
        boolean noDatabase = protocol == Protocol.MYSQL && database.isEmpty() && db.equals(MYSQL_DEFAULT_DATABASE);
        StringBuilder sb = new StringBuilder(protocol.jdbcPrefix).append(hosts).append('/')
                .append(noDatabase ? "" : encode(db));
        Map<String, String> all = new LinkedHashMap<>();
        user.ifPresent(u -> all.put("user", u));
        password.ifPresent(p -> all.put("password", p));
        if (protocol == Protocol.MYSQL) {
            parameters.forEach((k, v) -> {
                switch (k) {
                    case "sslmode" -> all.put("sslMode", MYSQL_SSL_MODES.getOrDefault(v, v));
                    case "sslrootcert" -> all.put("serverSslCert", v);
                    default -> all.put(k, v);
                }
            });
            all.putIfAbsent("connectionAttributes", "program_name:cdc-sink");
        } else {
            all.putAll(parameters);
            all.putIfAbsent("ApplicationName", "cdc-sink");
        }
        char sep = '?';
        for (Map.Entry<String, String> e : all.entrySet()) {
            sb.append(sep).append(encode(e.getKey())).append('=').append(encode(e.getValue()));
            sep = '&';
        }
        return sb.toString();
    }

    /**
     * The string {@link #parse} reads back to these settings, password included: for configuration (a source's
     * options), never for logs.
     */
    public String url() {
        StringBuilder sb = new StringBuilder(protocol.scheme + "://");
        user.ifPresent(u -> sb.append(encode(u)));
        password.ifPresent(p -> sb.append(':').append(encode(p)));
        if (user.isPresent() || password.isPresent()) {
            sb.append('@');
        }
        sb.append(hosts).append('/').append(database.map(ConnectionString::encode).orElse(""));
        char sep = '?';
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            sb.append(sep).append(encode(e.getKey())).append('=').append(encode(e.getValue()));
            sep = '&';
        }
        return sb.toString();
    }

    /** Text safe to log: the password replaced. */
    public static String redact(String text) {
        return text.replaceAll("(://[^:/@]*:)[^@/]*@", "$1****@").replaceAll("(?i)(password=)[^&]*", "$1****");
    }

    @Override
    public String toString() {
        return redact(jdbcUrl(defaultDatabase()));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
