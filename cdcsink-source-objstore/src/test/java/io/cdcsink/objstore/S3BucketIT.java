package io.cdcsink.objstore;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * A changefeed in an S3 bucket below a prefix, served by a real S3-compatible server in this JVM (S3Proxy over an
 * in-memory jclouds store, with AWS signature checks), read with the AWS SDK v2 client as in production.
 */
class S3BucketIT extends ObjstoreScenario {
    private static final String ACCESS = "objstore-access";
    private static final String SECRET = "objstore-secret";
    private static S3Proxy server;
    private static BlobStoreContext store;
    private static S3Client writer;
    private static String endpoint;
    private static int buckets;
    private String bucket;

    @BeforeAll
    static void startServer() throws Exception {
        store = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
                .overrides(new Properties()).build(BlobStoreContext.class);
        server = S3Proxy.builder().blobStore(store.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
        server.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!"STARTED".equals(server.getState()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        endpoint = "http://127.0.0.1:" + server.getPort();
        writer = S3Client.builder().endpointOverride(URI.create(endpoint)).forcePathStyle(true)
                .region(Region.US_EAST_1)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                // Signed whole rather than in aws-chunked parts, which S3Proxy checks differently from the SDK.
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
                .build();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (writer != null) {
            writer.close();
        }
        if (server != null) {
            server.stop();
        }
        if (store != null) {
            store.close();
        }
    }

    @BeforeEach
    void feed() {
        bucket = "changefeed-" + ++buckets;
        writer.createBucket(b -> b.bucket(bucket));
        feed = new Feed((name, content) -> writer.putObject(p -> p.bucket(bucket).key("feeds/orders/" + name),
                RequestBody.fromBytes(content)));
        // A file outside the prefix that must be left alone.
        writer.putObject(p -> p.bucket(bucket).key("other/2024-05-01/x.RESOLVED"), RequestBody.fromString("{}"));
    }

    @Override
    Map<String, String> sourceOptions() {
        return Map.of("source", "s3://" + bucket + "/feeds/orders", "s3Endpoint", endpoint, "s3AccessKey", ACCESS,
                "s3SecretKey", SECRET);
    }

    @Test
    void appliesAsOfResolvedFilesAndResumesWithoutLossAfterStopsAndACrash() throws Exception {
        runConsistentScenario();
    }

    @Test
    void immediateModeAppliesRowsAsTheyAreRead() throws Exception {
        runImmediateScenario();
    }
}
