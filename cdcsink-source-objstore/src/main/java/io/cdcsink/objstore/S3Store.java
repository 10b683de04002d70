package io.cdcsink.objstore;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/** A changefeed written to an S3 bucket (or an S3-compatible store) below a prefix. */
final class S3Store implements ObjectStore {
    private final S3Client client;
    private final String bucket;
    /** The key prefix, empty or ending in {@code /}. */
    private final String prefix;

    S3Store(S3Client client, String bucket, String prefix) {
        this.client = client;
        this.bucket = bucket;
        this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    }

    @Override
    public List<String> list(Optional<String> after) throws IOException {
        List<String> names = new ArrayList<>();
        try {
            ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix);
            after.ifPresent(a -> request.startAfter(prefix + a));
            String token = null;
            do {
                ListObjectsV2Response page = client.listObjectsV2(request.continuationToken(token).build());
                for (S3Object o : page.contents()) {
                    if (o.key().length() > prefix.length() && !o.key().endsWith("/")) {
                        names.add(o.key().substring(prefix.length()));
                    }
                }
                token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (token != null);
        } catch (SdkException e) {
            throw new IOException("could not list s3://" + bucket + "/" + prefix + ": " + e.getMessage(), e);
        }
        // S3 lists keys in UTF-8 byte order; the poller wants String order (the same for these ASCII names).
        return names.stream().filter(n -> after.isEmpty() || n.compareTo(after.get()) > 0).sorted().toList();
    }

    @Override
    public InputStream open(String name) throws IOException {
        try {
            return client.getObject(GetObjectRequest.builder().bucket(bucket).key(prefix + name).build());
        } catch (SdkException e) {
            throw new IOException("could not read s3://" + bucket + "/" + prefix + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + prefix;
    }
}
