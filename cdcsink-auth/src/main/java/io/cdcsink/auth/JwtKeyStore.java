package io.cdcsink.auth;

import io.cdcsink.api.TargetUnavailableException;
import io.cdcsink.staging.StagingArea;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads {@value #KEYS} and {@value #REVOKED} from the staging schema of a target database, creating them on first
 * use.
 */
public final class JwtKeyStore {
    public static final String KEYS = "jwt_public_keys";
    public static final String REVOKED = "jwt_revoked_ids";

    /**
     * What one load found.
     *
     * @param keys     the usable active keys and the revoked ids
     * @param problems one message per active row whose key could not be used (it is left out of {@code keys})
     */
    public record Loaded(JwtKeySet keys, List<String> problems) {
        public Loaded {
            problems = List.copyOf(problems);
        }
    }

    private final StagingArea area;

    @Inject
    public JwtKeyStore(StagingArea area) {
        this.area = area;
    }

    /** Creates the tables in the database's staging schema unless this process already did. */
    public void ensure(String database) {
        area.ensure(database);
        area.ensureTables(database, "jwt", List.of(
                "CREATE TABLE IF NOT EXISTS " + area.qualify(database, KEYS) + " ("
                        + "id UUID PRIMARY KEY DEFAULT gen_random_uuid(), "
                        + "public_key TEXT NOT NULL, "
                        + "active BOOL NOT NULL DEFAULT true)",
                "CREATE TABLE IF NOT EXISTS " + area.qualify(database, REVOKED) + " (id TEXT PRIMARY KEY)"));
    }

    /**
     * @throws TargetUnavailableException when the tables cannot be read
     */
    public Loaded load(String database) {
        ensure(database);
        List<TrustedKey> keys = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> revoked = new HashSet<>();
        try {
            area.inDdlTransaction(database, conn -> {
                readKeys(conn, database, keys, problems);
                readRevoked(conn, database, revoked);
                return null;
            });
        } catch (SQLException e) {
            throw new TargetUnavailableException("could not read JWT keys of database " + database + ": "
                    + e.getMessage(), e);
        }
        return new Loaded(new JwtKeySet(keys, revoked), problems);
    }

    private void readKeys(Connection conn, String database, List<TrustedKey> keys, List<String> problems)
            throws SQLException {
        String sql = "SELECT id::TEXT, public_key FROM " + area.qualify(database, KEYS) + " WHERE active ORDER BY id";
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                String id = rs.getString(1);
                try {
                    keys.add(new TrustedKey(id, PublicKeyPem.parse(id, rs.getString(2))));
                } catch (InvalidKeyException e) {
                    problems.add("database " + database + ": " + e.getMessage());
                }
            }
        }
    }

    private void readRevoked(Connection conn, String database, Set<String> revoked) throws SQLException {
        try (Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM " + area.qualify(database, REVOKED))) {
            while (rs.next()) {
                revoked.add(rs.getString(1));
            }
        }
    }
}
