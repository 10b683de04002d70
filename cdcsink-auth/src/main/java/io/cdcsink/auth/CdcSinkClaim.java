package io.cdcsink.auth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * cdc-sink's custom JWT claim: under the namespace {@value #NAMESPACE}, {@code {"schemas": [["db","schema"], ...]}}.
 */
public record CdcSinkClaim(List<SchemaPattern> schemas) {
    public static final String NAMESPACE = "https://github.com/cockroachdb/cdc-sink";
    public static final String ISSUER = "cdc-sink";
    static final String SCHEMAS = "schemas";

    public CdcSinkClaim {
        schemas = List.copyOf(Objects.requireNonNull(schemas, "schemas"));
        if (schemas.isEmpty()) {
            throw new IllegalArgumentException("no schemas specified");
        }
    }

    /**
     * Reads the claim's value as found in a token.
     *
     * @throws IllegalArgumentException when it is missing or not shaped as documented
     */
    public static CdcSinkClaim fromJson(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("claim " + NAMESPACE + " missing or not an object");
        }
        if (!(map.get(SCHEMAS) instanceof List<?> list)) {
            throw new IllegalArgumentException("claim " + NAMESPACE + " has no schemas list");
        }
        List<SchemaPattern> out = new ArrayList<>();
        for (Object entry : list) {
            if (!(entry instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof String db)
                    || !(pair.get(1) instanceof String schema)) {
                throw new IllegalArgumentException("each entry of schemas must be [\"database\", \"schema\"]");
            }
            out.add(new SchemaPattern(db, schema));
        }
        return new CdcSinkClaim(out);
    }

    /** The claim's value for a token. */
    public Map<String, Object> toJson() {
        List<List<String>> pairs = new ArrayList<>();
        for (SchemaPattern p : schemas) {
            pairs.add(List.of(p.database(), p.schema()));
        }
        return Map.of(SCHEMAS, pairs);
    }

    /** The full claim set cdc-sink issues: {@code iss}, a random {@code jti}, and this claim, in that order. */
    public Map<String, Object> claimSet() {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("jti", UUID.randomUUID().toString());
        claims.put(NAMESPACE, toJson());
        return claims;
    }

    public boolean allows(io.cdcsink.api.SchemaName name) {
        return schemas.stream().anyMatch(p -> p.matches(name));
    }
}
