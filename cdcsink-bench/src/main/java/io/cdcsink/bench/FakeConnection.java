package io.cdcsink.bench;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Connection} without a database, built with {@link Proxy}: it prepares any statement, accepts every
 * parameter setter, and answers every update with a fixed row count. It exists so that a benchmark measures only
 * the JVM work of binding (statement text, row grouping, parameter encoding), not a server; it is not a test double
 * for correctness. Any JDBC call it does not know fails loudly, so a changed apply path cannot silently measure
 * nothing.
 *
 * <p>It cannot COPY: PostgreSQL's applier tries {@code COPY} for chunks of new rows only on a connection of the
 * PostgreSQL driver, which the fake says it does not wrap, so the benchmark measures the upsert statement's binding
 * (the path for existing keys).
 *
 * <p>Bound values are not kept (that would measure our list, not the applier) unless {@code record} is set for a
 * verification run; their total length is summed so the JIT cannot drop the work that produced them.
 */
final class FakeConnection {
    private final long rowsPerUpdate;
    private final boolean record;
    private final List<Object> bound = new ArrayList<>();
    private final List<String> statements = new ArrayList<>();
    private long boundLength;
    private long updates;

    FakeConnection(long rowsPerUpdate, boolean record) {
        this.rowsPerUpdate = rowsPerUpdate;
        this.record = record;
    }

    Connection connection() {
        return proxy(Connection.class, this::onConnection);
    }

    /** Values bound so far, in order (only when recording). */
    List<Object> bound() {
        return List.copyOf(bound);
    }

    /** SQL text of every statement prepared so far (only when recording). */
    List<String> statements() {
        return List.copyOf(statements);
    }

    /** Sum of the lengths of all bound string values: consume it so binding stays live. */
    long boundLength() {
        return boundLength;
    }

    long updates() {
        return updates;
    }

    private Object onConnection(Method m, Object[] args) {
        switch (m.getName()) {
            case "prepareStatement" -> {
                if (record) {
                    statements.add((String) args[0]);
                }
                return proxy(PreparedStatement.class, this::onStatement);
            }
            case "getAutoCommit", "isClosed", "isReadOnly" -> {
                return false;
            }
            case "isValid" -> {
                return true;
            }
            case "close", "commit", "rollback", "setAutoCommit" -> {
                return null;
            }
            case "isWrapperFor" -> {
                return false;
            }
            default -> throw unsupported(m);
        }
    }

    private Object onStatement(Method m, Object[] args) {
        String name = m.getName();
        if (name.startsWith("set") && args != null && args.length >= 2 && args[0] instanceof Integer) {
            Object value = name.equals("setNull") ? null : args[1];
            if (value instanceof String s) {
                boundLength += s.length();
            }
            if (record) {
                bound.add(value);
            }
            return null;
        }
        switch (name) {
            case "executeLargeUpdate" -> {
                updates++;
                return rowsPerUpdate;
            }
            case "executeUpdate" -> {
                updates++;
                return Math.toIntExact(rowsPerUpdate);
            }
            case "close", "clearParameters", "addBatch", "setQueryTimeout", "closeOnCompletion" -> {
                return null;
            }
            case "isClosed" -> {
                return false;
            }
            default -> throw unsupported(m);
        }
    }

    private static UnsupportedOperationException unsupported(Method m) {
        return new UnsupportedOperationException("the benchmark's fake connection does not support "
                + m.getDeclaringClass().getSimpleName() + "." + m.getName() + ": extend FakeConnection");
    }

    private interface Calls {
        Object call(Method m, Object[] args);
    }

    private static <T> T proxy(Class<T> type, Calls calls) {
        InvocationHandler handler = (self, m, args) -> {
            if (m.getDeclaringClass() == Object.class) {
                return switch (m.getName()) {
                    case "equals" -> self == args[0];
                    case "hashCode" -> System.identityHashCode(self);
                    default -> type.getSimpleName() + "@fake";
                };
            }
            return calls.call(m, args);
        };
        return type.cast(Proxy.newProxyInstance(FakeConnection.class.getClassLoader(), new Class<?>[] {type},
                handler));
    }
}
