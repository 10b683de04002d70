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
 * ({@code jdbc:postgresql://host:port/db?user=...}). Turns into a JDBC URL for any database on the same server.
 *
 * @param flag       the flag or setting the string came from ({@code --conn}, {@code --targetConn}), named in error
 *                   messages long after parsing, such as the start-up check's
 * @param hosts      {@code host:port} list as written (PgJDBC accepts a comma-separated list)
 * @param database   the database named in the string, if any
 * @param user       the user, if any
 * @param password   the password, if any
 * @param parameters remaining query parameters, passed to the driver
 */
public record ConnectionString(String flag, String hosts, Optional<String> database, Optional<String> user,
                               Optional<String> password, Map<String, String> parameters) {
    private static final int DEFAULT_PORT = 5432;

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
            return parseUri(flag, text, s.substring("jdbc:".length()), DEFAULT_PORT);
        }
        if (s.startsWith("postgresql://") || s.startsWith("postgres://")) {
            return parseUri(flag, text, s, DEFAULT_PORT);
        }
        throw new IllegalArgumentException(flag + ": unsupported connection string \"" + redact(text)
                + "\"; expected postgresql://user@host:port/database?sslmode=... or jdbc:postgresql://...");
    }

    private static ConnectionString parseUri(String flag, String original, String s, int defaultPort) {
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
        return new ConnectionString(flag, hosts.toString(), db.isEmpty() ? Optional.empty() : Optional.of(db), user,
                password, params);
    }

    /** The database to use when none is asked for: the one named, else the user's, as libpq does. */
    public String defaultDatabase() {
        return database.orElse(user.orElse("postgres"));
    }

    /** The server and database as a person names them, {@code user@host:port/database}; never the password. */
    public String describe() {
        return user.map(u -> u + "@").orElse("") + hosts + "/" + defaultDatabase();
    }

    /** A JDBC URL for the given database on this server; credentials go in the URL as parameters. */
    public String jdbcUrl(String db) {
        StringBuilder sb = new StringBuilder("jdbc:postgresql://").append(hosts).append('/').append(encode(db));
        Map<String, String> all = new LinkedHashMap<>();
        user.ifPresent(u -> all.put("user", u));
        password.ifPresent(p -> all.put("password", p));
        all.putAll(parameters);
        all.putIfAbsent("ApplicationName", "cdc-sink");
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
        StringBuilder sb = new StringBuilder("postgresql://");
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
