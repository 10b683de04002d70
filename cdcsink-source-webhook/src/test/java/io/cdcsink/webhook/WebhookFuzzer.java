package io.cdcsink.webhook;

import io.cdcsink.webhook.FuzzInput.Expect;
import io.cdcsink.webhook.FuzzInput.Framing;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A seeded generator of hostile requests against a webhook server whose target database {@code db} has
 * {@code public.t (pk BIGINT PRIMARY KEY, v TEXT, n NUMERIC)} and {@code inj.t (pk BIGINT PRIMARY KEY, v TEXT)}.
 * Every row a request carries has {@code v} set to a marker naming the request ({@link #marker(int)}), so a row
 * found later can be traced back to the request that brought it.
 */
final class WebhookFuzzer {
    static final String[] CATEGORIES = {"truncate", "flip", "invalid-utf8", "wrong-type", "missing-field",
            "huge-number", "nan", "deep-nesting", "oversize", "bad-path", "sql-identifier", "sql-value",
            "unknown-name", "bad-hlc", "bad-method", "content-type", "early-eof"};
    /** SQL injection attempts, used both as identifiers (must be refused) and as text values (must be kept). */
    static final List<String> INJECTIONS = List.of("'; DROP TABLE t; --", "\"; DROP TABLE t; --",
            "t\"; DROP SCHEMA public CASCADE; --", "1 OR 1=1", "' OR '1'='1", "$$; DROP TABLE t; $$",
            "'; SELECT pg_sleep(30); --", "t; SELECT pg_sleep(30)", "Robert'); DROP TABLE students;--",
            "%' UNION SELECT usename, passwd FROM pg_shadow --", "'||(SELECT version())||'", "`rm -rf /`",
            "${jndi:ldap://127.0.0.1/a}", "E'\\\\x27'", "\\'; TRUNCATE t; --", "t\" (pk) VALUES (1); --",
            "_cdc_sink\".\"staged_tables", "pg_catalog.pg_user", "ünïcödé'; --", "x'::regclass");
    private static final Pattern MARKER = Pattern.compile("m(\\d+)x(\\d+)z");
    private static final long BASE_NANOS = 1_700_000_000_000_000_000L;

    private final Random random;
    private final String db;
    private final int maxBodyBytes;
    /** Values sent as text that a correct server stores verbatim, by primary key of {@code inj.t}. */
    private final Map<Long, String> verbatim = new ConcurrentHashMap<>();

    WebhookFuzzer(long seed, String db, int maxBodyBytes) {
        this.random = new Random(seed);
        this.db = db;
        this.maxBodyBytes = maxBodyBytes;
    }

    Map<Long, String> verbatim() {
        return verbatim;
    }

    static String marker(int id) {
        return "m" + id + "x" + check(id) + "z";
    }

    private static int check(int id) {
        return (int) ((id * 7919L) % 997);
    }

    /** The request ids of the intact markers in some text. */
    static List<Integer> markers(String text) {
        List<Integer> out = new ArrayList<>();
        Matcher m = MARKER.matcher(text);
        while (m.find()) {
            try {
                int id = Integer.parseInt(m.group(1));
                if (check(id) == Integer.parseInt(m.group(2))) {
                    out.add(id);
                }
            } catch (NumberFormatException damaged) {
                // A flipped digit made it unreadable: not a marker.
            }
        }
        return out;
    }

    FuzzInput next(int id) {
        String category = CATEGORIES[id % CATEGORIES.length];
        return switch (category) {
            case "truncate" -> truncate(id);
            case "flip" -> flip(id);
            case "invalid-utf8" -> invalidUtf8(id);
            case "wrong-type" -> wrongType(id);
            case "missing-field" -> missingField(id);
            case "huge-number" -> hugeNumber(id);
            case "nan" -> nan(id);
            case "deep-nesting" -> deepNesting(id);
            case "oversize" -> oversize(id);
            case "bad-path" -> badPath(id);
            case "sql-identifier" -> sqlIdentifier(id);
            case "sql-value" -> sqlValue(id);
            case "unknown-name" -> unknownName(id);
            case "bad-hlc" -> badHlc(id);
            case "bad-method" -> badMethod(id);
            case "content-type" -> contentType(id);
            case "early-eof" -> earlyEof(id);
            default -> throw new IllegalStateException(category);
        };
    }

    // ---- valid building blocks ----

    private String webhookPath() {
        return "/" + db + "/public" + (random.nextBoolean() ? "/" : "");
    }

    private String ndjsonPath(String topic) {
        return "/" + db + "/public/2024-01-02/202401020304050000000000000000000-56087568dba1e6b8-1-72-0000000"
                + random.nextInt(10) + "-" + topic + "-1.ndjson";
    }

    private static String hlc(int id) {
        return (BASE_NANOS + id) + ".0000000000";
    }

    private static String after(int id, int row) {
        return "{\"pk\":" + (id * 10L + row) + ",\"v\":\"" + marker(id) + "\",\"n\":" + id + ".5}";
    }

    private static String element(int id, int row) {
        return "{\"after\":" + after(id, row) + ",\"key\":[" + (id * 10L + row) + "],\"topic\":\"t\",\"updated\":\""
                + hlc(id) + "\"}";
    }

    private String webhookBody(int id) {
        int rows = 1 + random.nextInt(3);
        StringBuilder sb = new StringBuilder("{\"payload\":[");
        for (int r = 0; r < rows; r++) {
            sb.append(r == 0 ? "" : ",").append(element(id, r));
        }
        return sb.append("],\"length\":").append(rows).append('}').toString();
    }

    private static String ndjsonLine(int id, int row) {
        return "{\"after\":" + after(id, row) + ",\"key\":[" + (id * 10L + row) + "],\"updated\":\"" + hlc(id)
                + "\"}";
    }

    private String ndjsonBody(int id) {
        StringBuilder sb = new StringBuilder();
        int rows = 1 + random.nextInt(3);
        for (int r = 0; r < rows; r++) {
            sb.append(ndjsonLine(id, r)).append('\n');
        }
        return sb.toString();
    }

    /** A valid request of either format, to be damaged. */
    private FuzzInput valid(int id, String category, Expect expect) {
        if (random.nextBoolean()) {
            return new FuzzInput(id, category, expect, webhookPath(), utf8(webhookBody(id)));
        }
        return new FuzzInput(id, category, expect, "PUT", ndjsonPath("t"), List.of(), utf8(ndjsonBody(id)),
                Framing.LENGTH);
    }

    private FuzzInput withBody(FuzzInput in, Expect expect, byte[] body) {
        return new FuzzInput(in.id(), in.category(), expect, in.method(), in.path(), in.headers(), body,
                in.framing());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    // ---- categories ----

    private FuzzInput truncate(int id) {
        FuzzInput v = valid(id, "truncate", Expect.EITHER);
        byte[] b = v.body();
        int cut = 1 + random.nextInt(b.length - 1);
        byte[] out = new byte[cut];
        System.arraycopy(b, 0, out, 0, cut);
        return withBody(v, Expect.EITHER, out);
    }

    private FuzzInput flip(int id) {
        FuzzInput v = valid(id, "flip", Expect.EITHER);
        byte[] b = v.body().clone();
        int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips; i++) {
            b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        }
        return withBody(v, Expect.EITHER, b);
    }

    private FuzzInput invalidUtf8(int id) {
        FuzzInput v = valid(id, "invalid-utf8", Expect.REJECT);
        String text = new String(v.body(), StandardCharsets.UTF_8);
        // Inside the marker string (a JSON string value): the body is no longer UTF-8 text.
        int at = text.indexOf(marker(id)) + 1;
        byte[][] bad = {{(byte) 0xff}, {(byte) 0xc3, 0x28}, {(byte) 0xe2, (byte) 0x82}, {(byte) 0xf0, (byte) 0x28,
                (byte) 0x8c, (byte) 0x28}, {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] head = utf8(text.substring(0, at));
        out.write(head, 0, head.length);
        byte[] b = bad[random.nextInt(bad.length)];
        out.write(b, 0, b.length);
        byte[] tail = utf8(text.substring(at));
        out.write(tail, 0, tail.length);
        return withBody(v, Expect.REJECT, out.toByteArray());
    }

    private static final List<String> TYPES = List.of("number", "string", "array", "object", "bool", "null");

    private static String valueOf(String type) {
        return switch (type) {
            case "number" -> "12";
            case "string" -> "\"s\"";
            case "array" -> "[1]";
            case "object" -> "{\"a\":1}";
            case "bool" -> "true";
            default -> "null";
        };
    }

    /** Every envelope field given every wrong JSON type; column values too, which the target must refuse. */
    private FuzzInput wrongType(int id) {
        String type = pick(TYPES);
        List<String> fields = List.of("payload", "after", "key", "topic", "updated", "resolved", "length",
                "pk", "n", "line");
        String field = pick(fields);
        String value = valueOf(type);
        String after = after(id, 0);
        String key = "[" + (id * 10L) + "]";
        String topic = "\"t\"";
        String updated = "\"" + hlc(id) + "\"";
        Expect expect = Expect.REJECT;
        switch (field) {
            case "payload" -> {
                expect = type.equals("array") || type.equals("null") ? Expect.EITHER : Expect.REJECT;
                return new FuzzInput(id, "wrong-type", expect, webhookPath(),
                        utf8("{\"payload\":" + value + ",\"length\":1}"));
            }
            case "resolved" -> {
                expect = type.equals("null") ? Expect.ACCEPT : Expect.REJECT;
                return new FuzzInput(id, "wrong-type", expect, webhookPath(), utf8("{\"resolved\":" + value + "}"));
            }
            case "line" -> {
                // An ndjson line that is not an object.
                return new FuzzInput(id, "wrong-type", type.equals("object") ? Expect.EITHER : Expect.REJECT, "PUT",
                        ndjsonPath("t"), List.of(), utf8(value + "\n"), Framing.LENGTH);
            }
            case "after" -> {
                expect = type.equals("null") ? Expect.ACCEPT : type.equals("object") ? Expect.EITHER : Expect.REJECT;
                after = value;
            }
            case "key" -> {
                expect = type.equals("array") ? Expect.EITHER : Expect.REJECT;
                key = value;
            }
            case "topic" -> {
                // "s" names a table the target lacks: the target is behind, so the changefeed is told to retry.
                expect = type.equals("string") ? Expect.UNAVAILABLE : Expect.REJECT;
                topic = value;
            }
            case "updated" -> updated = value;
            case "length" -> {
                expect = Expect.ACCEPT;
            }
            case "pk" -> {
                // The key column: a BIGINT given every JSON type; only a number fits.
                after = "{\"pk\":" + value + ",\"v\":\"" + marker(id) + "\"}";
                key = "[" + value + "]";
                expect = type.equals("number") ? Expect.ACCEPT : Expect.REJECT;
            }
            case "n" -> {
                // A NUMERIC column: numbers and numeric strings fit, null clears it.
                after = "{\"pk\":" + (id * 10L) + ",\"v\":\"" + marker(id) + "\",\"n\":" + value + "}";
                expect = type.equals("number") || type.equals("null") ? Expect.ACCEPT : Expect.REJECT;
            }
            default -> throw new IllegalStateException(field);
        }
        String body = "{\"payload\":[{\"after\":" + after + ",\"key\":" + key + ",\"topic\":" + topic
                + ",\"updated\":" + updated + "}],\"length\":" + (field.equals("length") ? value : "1") + "}";
        return new FuzzInput(id, "wrong-type", expect, webhookPath(), utf8(body));
    }

    private FuzzInput missingField(int id) {
        String field = pick(List.of("after", "key", "topic", "updated", "payload", "pk"));
        if (field.equals("payload")) {
            return new FuzzInput(id, "missing-field", Expect.ACCEPT, webhookPath(), utf8("{\"length\":0}"));
        }
        if (field.equals("pk")) {
            String body = "{\"payload\":[{\"after\":{\"v\":\"" + marker(id) + "\"},\"key\":[" + id * 10L
                    + "],\"topic\":\"t\",\"updated\":\"" + hlc(id) + "\"}]}";
            return new FuzzInput(id, "missing-field", Expect.REJECT, webhookPath(), utf8(body));
        }
        StringBuilder sb = new StringBuilder("{");
        List<String> parts = new ArrayList<>();
        if (!field.equals("after")) {
            parts.add("\"after\":" + after(id, 0));
        }
        if (!field.equals("key")) {
            parts.add("\"key\":[" + id * 10L + "]");
        }
        if (!field.equals("updated")) {
            parts.add("\"updated\":\"" + hlc(id) + "\"");
        }
        boolean ndjson = random.nextBoolean() && !field.equals("topic");
        if (ndjson) {
            sb.append(String.join(",", parts)).append("}\n");
            return new FuzzInput(id, "missing-field", field.equals("after") ? Expect.ACCEPT : Expect.REJECT, "PUT",
                    ndjsonPath("t"), List.of(), utf8(sb.toString()), Framing.LENGTH);
        }
        if (!field.equals("topic")) {
            parts.add("\"topic\":\"t\"");
        }
        String body = "{\"payload\":[{" + String.join(",", parts) + "}]}";
        // Without "after" the element is a deletion: valid.
        return new FuzzInput(id, "missing-field", field.equals("after") ? Expect.ACCEPT : Expect.REJECT,
                webhookPath(), utf8(body));
    }

    private FuzzInput hugeNumber(int id) {
        String digits = "9".repeat(20 + random.nextInt(400));
        return switch (random.nextInt(4)) {
            // Past BIGINT: the target cannot hold the key.
            case 0 -> new FuzzInput(id, "huge-number", Expect.REJECT, webhookPath(), utf8(
                    "{\"payload\":[{\"after\":{\"pk\":" + digits + ",\"v\":\"" + marker(id) + "\"},\"key\":["
                            + digits + "],\"topic\":\"t\",\"updated\":\"" + hlc(id) + "\"}]}"));
            // NUMERIC has room for it (up to 131072 digits before the point).
            case 1 -> new FuzzInput(id, "huge-number", Expect.ACCEPT, webhookPath(), utf8(
                    "{\"payload\":[{\"after\":{\"pk\":" + id * 10L + ",\"v\":\"" + marker(id) + "\",\"n\":" + digits
                            + ".5},\"key\":[" + id * 10L + "],\"topic\":\"t\",\"updated\":\"" + hlc(id) + "\"}]}"));
            case 2 -> new FuzzInput(id, "huge-number", Expect.REJECT, webhookPath(),
                    utf8("{\"resolved\":\"" + digits + ".0\"}"));
            default -> new FuzzInput(id, "huge-number", Expect.REJECT, webhookPath(), utf8(
                    "{\"payload\":[{\"after\":" + after(id, 0) + ",\"key\":[" + id * 10L
                            + "],\"topic\":\"t\",\"updated\":\"1." + digits + "\"}]}"));
        };
    }

    private FuzzInput nan(int id) {
        String v = pick(List.of("NaN", "Infinity", "-Infinity", "+1", "01", "1e", ".5", "0x10", "1_000"));
        String body = "{\"payload\":[{\"after\":{\"pk\":" + id * 10L + ",\"v\":\"" + marker(id) + "\",\"n\":" + v
                + "},\"key\":[" + id * 10L + "],\"topic\":\"t\",\"updated\":\"" + hlc(id) + "\"}]}";
        return new FuzzInput(id, "nan", Expect.REJECT, webhookPath(), utf8(body));
    }

    private FuzzInput deepNesting(int id) {
        int depth = 10_000;
        boolean arrays = random.nextBoolean();
        String open = arrays ? "[" : "{\"a\":";
        String close = arrays ? "]" : "}";
        String deep = open.repeat(depth) + "1" + close.repeat(depth);
        String body = switch (random.nextInt(5)) {
            case 0 -> deep;
            case 1 -> "{\"payload\":[{\"after\":{\"pk\":1,\"v\":" + deep + "},\"key\":[1],\"topic\":\"t\","
                    + "\"updated\":\"" + hlc(id) + "\"}]}";
            case 2 -> "{\"ignored\":" + deep + ",\"payload\":[]}";
            case 3 -> "{\"payload\":[{\"after\":{\"pk\":1},\"key\":" + deep + ",\"topic\":\"t\",\"updated\":\""
                    + hlc(id) + "\"}]}";
            default -> "{\"resolved\":" + deep + "}";
        };
        if (random.nextBoolean()) {
            return new FuzzInput(id, "deep-nesting", Expect.REJECT, webhookPath(), utf8(body));
        }
        return new FuzzInput(id, "deep-nesting", Expect.REJECT, "PUT", ndjsonPath("t"), List.of(), utf8(deep + "\n"),
                Framing.LENGTH);
    }

    private FuzzInput oversize(int id) {
        StringBuilder sb = new StringBuilder("{\"payload\":[");
        int row = 0;
        while (sb.length() <= maxBodyBytes + random.nextInt(maxBodyBytes)) {
            sb.append(row == 0 ? "" : ",").append(element(id, row % 10));
            row++;
        }
        sb.append("]}");
        Framing framing = random.nextBoolean() ? Framing.LENGTH : Framing.CHUNKED;
        return new FuzzInput(id, "oversize", Expect.REJECT, "POST", webhookPath(), List.of(), utf8(sb.toString()),
                framing);
    }

    private static final List<String> BAD_PATHS = List.of("/", "//", "///", "/x", "/x/y/z", "/../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd", "/db/..", "/./.", "/%00/public", "/db%00/public", "/db/public%00",
            "/%zz/public", "/db/%", "/db/public/%", "/a%2fb/public/2024-01-02/x.RESOLVED", "/db/public/2024-13-45/"
            + "202413450304050000000000000000000.RESOLVED", "/db/public/2024-01-02/0000.RESOLVED",
            "/db/public/2024-01-02/999999999999999999999999999999999.RESOLVED", "/db/public/2024-01-02/.ndjson",
            "/db/public/2024-01-02/a-b-c-d-e--1.ndjson", "/_/", "/_/healthz/x", "/_/varz/../config/apply",
            "/db/public?resolved=1", "/db/public/extra/segments/here/and/more", "*", "http://evil/db/public",
            "/db/pub lic", "/db/public#frag", "/%ff%fe/public", "/%c3%28/public", "/db/public/2024-01-02/",
            "/" + "a".repeat(300) + "/public", "/db/" + "s".repeat(5000), "/" + "x/".repeat(2000));

    private FuzzInput badPath(int id) {
        String path;
        Expect expect = Expect.REJECT;
        if (random.nextInt(3) == 0) {
            // Random printable garbage after a slash.
            StringBuilder sb = new StringBuilder("/");
            int n = 1 + random.nextInt(60);
            for (int i = 0; i < n; i++) {
                sb.append((char) (0x21 + random.nextInt(0x5e)));
            }
            path = sb.toString();
        } else {
            path = pick(BAD_PATHS).replace("/db/", "/" + db + "/");
        }
        // A query string of its own does not make the target path valid ("/db/public?..." stays a webhook path).
        if (path.equals("/" + db + "/public?resolved=1")) {
            expect = Expect.ACCEPT;
        }
        byte[] body = random.nextBoolean() ? utf8(webhookBody(id)) : new byte[0];
        if (path.matches("/[^/?#]+/[^/?#]+/?")) {
            // Two random segments form a well-shaped webhook path to an unknown database: refused all the same.
            expect = body.length == 0 ? Expect.EITHER : Expect.REJECT;
        }
        return new FuzzInput(id, "bad-path", expect, random.nextBoolean() ? "POST" : "PUT", path, List.of(), body,
                Framing.LENGTH);
    }

    private static String jsonString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static String pathSegment(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return sb.toString();
    }

    private FuzzInput sqlIdentifier(int id) {
        String evil = pick(INJECTIONS);
        String body = webhookBody(id);
        return switch (random.nextInt(6)) {
            case 0 -> new FuzzInput(id, "sql-identifier", Expect.REJECT, "/" + pathSegment(evil) + "/public", utf8(body));
            case 1 -> new FuzzInput(id, "sql-identifier", Expect.REJECT, "/" + db + "/" + pathSegment(evil),
                    utf8(body));
            // As a table or column name: one the target lacks, so the feed is told to wait (or the name is refused).
            case 2 -> new FuzzInput(id, "sql-identifier", Expect.REFUSED, webhookPath(), utf8(body.replace(
                    "\"topic\":\"t\"", "\"topic\":" + jsonString(evil))));
            case 3 -> new FuzzInput(id, "sql-identifier", Expect.REFUSED, webhookPath(), utf8(body.replace(
                    "\"n\":", jsonString(evil) + ":")));
            case 4 -> new FuzzInput(id, "sql-identifier", Expect.REFUSED, "PUT", ndjsonPath(pathSegment(evil)),
                    List.of(), utf8(ndjsonBody(id)), Framing.LENGTH);
            // A resolved timestamp for a schema that does not exist: refused, never queued.
            default -> new FuzzInput(id, "sql-identifier", Expect.REJECT, "/" + db + "/" + pathSegment(evil),
                    utf8("{\"resolved\":\"" + hlc(id) + "\"}"));
        };
    }

    /** Injection strings as values of a text column are data: they must be stored exactly. */
    private FuzzInput sqlValue(int id) {
        String evil = pick(INJECTIONS) + " " + marker(id);
        long pk = id;
        verbatim.put(pk, evil);
        String body = "{\"payload\":[{\"after\":{\"pk\":" + pk + ",\"v\":" + jsonString(evil) + "},\"key\":[" + pk
                + "],\"topic\":\"t\",\"updated\":\"" + hlc(id) + "\"}]}";
        return new FuzzInput(id, "sql-value", Expect.ACCEPT, "/" + db + "/inj", utf8(body));
    }

    private FuzzInput unknownName(int id) {
        String body = webhookBody(id);
        return switch (random.nextInt(4)) {
            // A table or column the target lacks: the target is behind, the changefeed waits (503).
            case 0 -> new FuzzInput(id, "unknown-name", Expect.UNAVAILABLE, webhookPath(),
                    utf8(body.replace("\"topic\":\"t\"", "\"topic\":\"no_such_table\"")));
            case 1 -> new FuzzInput(id, "unknown-name", Expect.UNAVAILABLE, webhookPath(),
                    utf8(body.replace("\"n\":", "\"no_such_column\":")));
            case 2 -> new FuzzInput(id, "unknown-name", Expect.UNAVAILABLE, "PUT", ndjsonPath("no_such_table"), List.of(),
                    utf8(ndjsonBody(id)), Framing.LENGTH);
            default -> new FuzzInput(id, "unknown-name", Expect.REJECT, "/" + db + "_nope/public", utf8(body));
        };
    }

    private static final List<String> BAD_HLCS = List.of("abc", "1.2.3", "-1.0", "0.0", "1e10.0", " 1.0", "1.0 ",
            "1.99999999999", "1.1", "1.", ".1", "１.0", "1,0", "9223372036854775808.0", "1.2147483648",
            "0x10.0", "1.-1", "NaN.0", "1.0000000000\u0000");

    private FuzzInput badHlc(int id) {
        String bad = pick(BAD_HLCS);
        return switch (random.nextInt(4)) {
            case 0 -> new FuzzInput(id, "bad-hlc", Expect.REJECT, webhookPath(),
                    utf8("{\"resolved\":" + jsonString(bad) + "}"));
            case 1 -> new FuzzInput(id, "bad-hlc", Expect.REJECT, webhookPath(),
                    utf8(webhookBody(id).replace(hlc(id), bad.replace("\"", ""))));
            case 2 -> new FuzzInput(id, "bad-hlc", Expect.REJECT, "PUT", ndjsonPath("t"), List.of(),
                    utf8(ndjsonBody(id).replace(hlc(id), bad)), Framing.LENGTH);
            default -> new FuzzInput(id, "bad-hlc", Expect.REJECT, "PUT", "/" + db + "/public/2024-01-02/"
                    + pick(List.of("20241302030405000000000000000000", "202402300304050000000000000000000",
                    "202401022504050000000000000000000", "000000000000000000000000000000000",
                    "202401020304059999999999999999999", "20240102030405000000000000000000a")) + ".RESOLVED",
                    List.of(), new byte[0], Framing.LENGTH);
        };
    }

    private FuzzInput badMethod(int id) {
        String method = pick(List.of("GET", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "FOO", "PROPFIND"));
        FuzzInput v = valid(id, "bad-method", Expect.REJECT);
        return new FuzzInput(id, "bad-method", Expect.REJECT, method, v.path(), v.headers(), v.body(), v.framing());
    }

    /** The body decides the format, not the Content-Type: a valid body under any content type is valid. */
    private FuzzInput contentType(int id) {
        String type = pick(List.of("application/xml", "text/plain; charset=ISO-8859-1", "multipart/form-data; "
                + "boundary=x", "application/x-www-form-urlencoded", "image/png", ";;;", "application/json; "
                + "charset=utf-16", "x".repeat(2000)));
        FuzzInput v = valid(id, "content-type", Expect.ACCEPT);
        return new FuzzInput(id, "content-type", Expect.ACCEPT, v.method(), v.path(), List.of("Content-Type: " + type),
                v.body(), v.framing());
    }

    private FuzzInput earlyEof(int id) {
        FuzzInput v = valid(id, "early-eof", Expect.REJECT);
        Framing f = random.nextBoolean() ? Framing.CHUNKED_EARLY_EOF : Framing.SHORT_BODY;
        return new FuzzInput(id, "early-eof", Expect.REJECT, v.method(), v.path(), v.headers(), v.body(), f);
    }
}
