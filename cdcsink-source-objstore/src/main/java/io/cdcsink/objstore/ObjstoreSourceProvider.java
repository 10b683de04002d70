package io.cdcsink.objstore;

import io.cdcsink.api.Options;
import io.cdcsink.api.Source;
import io.cdcsink.api.SourceContext;
import io.cdcsink.api.SourceProvider;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The {@code objstore} source: a CockroachDB changefeed into cloud storage, read back from a local directory
 * ({@code file:///path}) or an S3 bucket ({@code s3://bucket/prefix}). Options ({@link ObjstoreConfig#OPTIONS}) as
 * the flags of {@code cdc-sink objstore}.
 */
public final class ObjstoreSourceProvider implements SourceProvider {
    public static final String NAME = "objstore";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Source create(SourceContext context) {
        ObjstoreConfig config = ObjstoreConfig.fromOptions(Options.of(context.options()));
        Progress progress = new Progress(context.targetDatabase(config.targetSchema().database()),
                config.source().toString());
        return new ObjstoreSource(config, context.pipeline(), store(config), progress);
    }

    static ObjectStore store(ObjstoreConfig config) {
        if ("file".equals(config.source().getScheme())) {
            return new LocalStore(config.directory());
        }
        return new S3Store(s3Client(config), config.bucket(), config.prefix());
    }

    /** An S3 client for the flags: an endpoint means an S3-compatible store, addressed path-style. */
    static S3Client s3Client(ObjstoreConfig config) {
        S3ClientBuilder b = S3Client.builder();
        // Checksums only where S3 requires them: many S3-compatible stores do not know the newer checksum headers.
        config.s3Endpoint().ifPresent(e -> b.endpointOverride(URI.create(e)).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED));
        if (config.s3Region().isPresent()) {
            b.region(Region.of(config.s3Region().get()));
        } else if (config.s3Endpoint().isPresent()) {
            // S3-compatible stores rarely care; the SDK still needs one to sign with.
            b.region(Region.US_EAST_1);
        }
        AwsCredentialsProvider credentials = config.s3AccessKey().isPresent()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(config.s3AccessKey().get(),
                        config.s3SecretKey().orElseThrow()))
                : DefaultCredentialsProvider.builder().build();
        return b.credentialsProvider(credentials).build();
    }
}
