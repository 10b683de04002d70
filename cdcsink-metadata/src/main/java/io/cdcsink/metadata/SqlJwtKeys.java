package io.cdcsink.metadata;

import io.cdcsink.api.TargetUnavailableException;
import io.cdcsink.engine.JwtKeys;
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
 * JWT public keys in {@value #KEYS} and revoked token ids in {@value #REVOKED}, in the metadata schema of each target
 * database, created on first use.
 */
public final class SqlJwtKeys implements JwtKeys {
    public static final String KEYS = "jwt_public_keys";
    public static final String REVOKED = "jwt_revoked_ids";

    private final SqlMetadataSchema area;
    private final MetadataSql sql;

    @Inject
    public SqlJwtKeys(SqlMetadataSchema area) {
        this.area = area;
        this.sql = area.sql();
    }

    @Override
    public void prepare(String database) {
        area.ensureTables(database, "jwt", List.of(
                sql.createJwtKeys(area.qualify(database, KEYS)),
                sql.createJwtRevoked(area.qualify(database, REVOKED))));
    }

    @Override
    public Stored load(String database) {
        prepare(database);
        try {
            // Both tables in one transaction, so a key and its revocations are seen as of one moment.
            return area.inDdlTransaction(database, conn -> new Stored(readKeys(conn, database),
                    readRevoked(conn, database)));
        } catch (SQLException e) {
            throw new TargetUnavailableException("could not read JWT keys of database " + database + ": "
                    + e.getMessage(), e);
        }
    }

    private List<StoredKey> readKeys(Connection conn, String database) throws SQLException {
        List<StoredKey> keys = new ArrayList<>();
        try (Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery(sql.selectActiveJwtKeys(area.qualify(database, KEYS)))) {
            while (rs.next()) {
                // A table an operator made without NOT NULL may hold a NULL key: it reads as no key at all.
                String pem = rs.getString(2);
                keys.add(new StoredKey(rs.getString(1), pem == null ? "" : pem));
            }
        }
        return keys;
    }

    private Set<String> readRevoked(Connection conn, String database) throws SQLException {
        Set<String> revoked = new HashSet<>();
        try (Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery(sql.selectRevokedIds(area.qualify(database, REVOKED)))) {
            while (rs.next()) {
                revoked.add(rs.getString(1));
            }
        }
        return revoked;
    }
}
