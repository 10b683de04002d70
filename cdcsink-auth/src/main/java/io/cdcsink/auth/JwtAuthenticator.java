package io.cdcsink.auth;

import io.cdcsink.api.Authenticator;
import io.cdcsink.api.BadInputException;
import io.cdcsink.engine.Reloadable;
import io.cdcsink.api.SchemaName;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authorizes requests with JWTs. Keys and revoked ids are read from the staging schema of the database the request
 * writes to, on the first request for that database, and re-read on every {@link #reload()} (each minute and on
 * {@code SIGHUP}). A reload that meets an unusable key row keeps that database's previous keys; at first load such
 * a row is skipped. Both are logged with the row id.
 */
public final class JwtAuthenticator implements Authenticator, Reloadable {
    private static final Logger LOG = LoggerFactory.getLogger(JwtAuthenticator.class);

    private final JwtKeyStore store;
    private final AuthMetrics metrics;
    private final TokenVerifier verifier = new TokenVerifier();
    private final Map<String, JwtKeySet> byDatabase = new ConcurrentHashMap<>();

    @Inject
    public JwtAuthenticator(JwtKeyStore store, AuthMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    @Override
    public boolean authorize(SchemaName schema, Optional<String> token) {
        Verdict verdict = decide(schema, token);
        metrics.record(verdict);
        if (!verdict.allowed()) {
            LOG.debug("refused a request for {}: {}", schema, verdict.reason());
        }
        return verdict.allowed();
    }

    private Verdict decide(SchemaName schema, Optional<String> token) {
        if (token.isEmpty() || token.get().isEmpty()) {
            return Verdict.denied("no_token");
        }
        // Malformed tokens and refused algorithms are turned away before any database work.
        Optional<Verdict> early = verifier.precheck(token.get());
        if (early.isPresent()) {
            return early.get();
        }
        JwtKeySet keys;
        try {
            keys = byDatabase.computeIfAbsent(schema.database(), this::firstLoad);
        } catch (BadInputException e) {
            return Verdict.denied("unknown_database");
        }
        return verifier.verify(keys, schema, token.get(), Instant.now());
    }

    private JwtKeySet firstLoad(String database) {
        JwtKeyStore.Loaded loaded = store.load(database);
        for (String problem : loaded.problems()) {
            LOG.warn("skipping an unusable JWT public key: {}", problem);
        }
        metrics.refreshed(database, Instant.now());
        LOG.info("loaded {} JWT public key(s) and {} revoked token id(s) of database {}",
                loaded.keys().keys().size(), loaded.keys().revokedIds().size(), database);
        return loaded.keys();
    }

    @Override
    public String name() {
        return "jwt";
    }

    @Override
    public void prepare(String database) {
        store.ensure(database);
    }

    @Override
    public void reload() {
        List<String> failures = new ArrayList<>();
        for (String database : List.copyOf(byDatabase.keySet())) {
            try {
                JwtKeyStore.Loaded loaded = store.load(database);
                if (!loaded.problems().isEmpty()) {
                    failures.add(String.join("; ", loaded.problems()));
                    continue;
                }
                byDatabase.put(database, loaded.keys());
                metrics.refreshed(database, Instant.now());
            } catch (RuntimeException e) {
                failures.add("database " + database + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("could not refresh JWT data, keeping the previous keys: "
                    + String.join("; ", failures));
        }
    }
}
