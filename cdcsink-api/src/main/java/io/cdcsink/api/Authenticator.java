package io.cdcsink.api;

import java.util.Optional;

/** Decides whether a caller may write to a target schema. */
public interface Authenticator {
    /**
     * @param schema the schema the request writes to
     * @param token  the bearer token presented, if any
     * @return true when the write is allowed
     */
    boolean authorize(SchemaName schema, Optional<String> token);
}
