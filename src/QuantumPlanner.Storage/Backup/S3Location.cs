using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace QuantumPlanner.Storage.Backup;

/// <summary>A prefix in an S3 bucket, through the AWS SDK (multipart uploads above the threshold, read-back checks).</summary>
internal sealed class S3Location : IBackupLocation
{
    private readonly AmazonS3Client _client;
    private readonly S3Settings _settings;

    public S3Location(string bucket, string prefix, S3Settings settings)
    {
        Bucket = bucket;
        Prefix = prefix.Trim('/');
        _settings = settings;
        var config = new AmazonS3Config
        {
            ForcePathStyle = settings.ForcePathStyle,
            MaxErrorRetry = settings.MaxRetries,
            Timeout = TimeSpan.FromMinutes(5),
            // Compatible servers (s3rver, older MinIO) reject the SDK's default trailing CRC checksums;
            // integrity is checked by reading the object back and comparing SHA-256 instead.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (settings.Endpoint is not null)
        {
            config.ServiceURL = settings.Endpoint;
            config.AuthenticationRegion = settings.Region;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(settings.Region);
        }

        _client = settings.AccessKeyId is not null && settings.SecretAccessKey is not null
            ? new AmazonS3Client(
                settings.SessionToken is null
                    ? new BasicAWSCredentials(settings.AccessKeyId, settings.SecretAccessKey)
                    : new SessionAWSCredentials(settings.AccessKeyId, settings.SecretAccessKey, settings.SessionToken),
                config)
            : new AmazonS3Client(config);
    }

    public string Bucket { get; }

    public string Prefix { get; }

    public string Description => Prefix.Length == 0 ? $"s3://{Bucket}" : $"s3://{Bucket}/{Prefix}";

    public string Describe(string name) => $"s3://{Bucket}/{Key(name)}";

    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = Prefix.Length == 0 ? null : Prefix + "/" };
        do
        {
            var response = await Call(() => _client.ListObjectsV2Async(request, cancellationToken), "list").ConfigureAwait(false);
            foreach (var item in response.S3Objects ?? [])
            {
                var name = Prefix.Length == 0 ? item.Key : item.Key[(Prefix.Length + 1)..];
                if (!name.Contains('/', StringComparison.Ordinal))
                {
                    names.Add(name);
                }
            }

            request.ContinuationToken = response.NextContinuationToken;
        }
        while (!string.IsNullOrEmpty(request.ContinuationToken));

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    public async Task PutVerifiedAsync(string localPath, string name, string sha256, CancellationToken cancellationToken)
    {
        var length = new FileInfo(localPath).Length;
        if (length < _settings.MultipartThresholdBytes)
        {
            var put = new PutObjectRequest { BucketName = Bucket, Key = Key(name), FilePath = localPath, UseChunkEncoding = false };
            put.Metadata.Add("sha256", sha256);
            await Call(() => _client.PutObjectAsync(put, cancellationToken), "upload " + name).ConfigureAwait(false);
        }
        else
        {
            await PutInPartsAsync(localPath, name, sha256, length, cancellationToken).ConfigureAwait(false);
        }

        using var response = await Call(() => _client.GetObjectAsync(Bucket, Key(name), cancellationToken), "read back " + name).ConfigureAwait(false);
        var actual = await FileHashes.Sha256Async(response.ResponseStream, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(actual, sha256, StringComparison.Ordinal))
        {
            throw new DataSafetyException($"{Describe(name)}: SHA-256 read back after upload is {actual}, expected {sha256}. Maybe the upload was cut; run the backup again.");
        }
    }

    public Task PutTextAsync(string name, string text, CancellationToken cancellationToken) =>
        Call(() => _client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = Key(name), ContentBody = text, ContentType = "application/json", UseChunkEncoding = false }, cancellationToken), "upload " + name);

    public async Task<string?> ReadTextAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _client.GetObjectAsync(Bucket, Key(name), cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(response.ResponseStream);
            return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception exception) when (exception is AmazonServiceException or HttpRequestException)
        {
            throw Unreachable("read " + name, exception);
        }
    }

    public async Task<string> FetchAsync(string name, string scratchDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(scratchDirectory);
        var path = Path.Combine(scratchDirectory, name);
        using var response = await Call(() => _client.GetObjectAsync(Bucket, Key(name), cancellationToken), "download " + name).ConfigureAwait(false);
        await using (var file = File.Create(path))
        {
            await response.ResponseStream.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
        }

        return path;
    }

    public async Task<long?> SizeAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.GetObjectMetadataAsync(Bucket, Key(name), cancellationToken).ConfigureAwait(false);
            return response.ContentLength;
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception exception) when (exception is AmazonServiceException or HttpRequestException)
        {
            throw Unreachable("read " + name, exception);
        }
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken) =>
        Call(() => _client.DeleteObjectAsync(Bucket, Key(name), cancellationToken), "delete " + name);

    public void Dispose() => _client.Dispose();

    // Parts are uploaded one after another with plain (not aws-chunked) bodies: compatible servers such as s3rver store
    // aws-chunked bodies with their chunk signatures inline, which the read-back check then catches as corruption.
    private async Task PutInPartsAsync(string localPath, string name, string sha256, long length, CancellationToken cancellationToken)
    {
        var initiate = new InitiateMultipartUploadRequest { BucketName = Bucket, Key = Key(name) };
        initiate.Metadata.Add("sha256", sha256);
        var upload = await Call(() => _client.InitiateMultipartUploadAsync(initiate, cancellationToken), "start upload of " + name).ConfigureAwait(false);
        try
        {
            var partSize = Math.Max(5L * 1024 * 1024, _settings.MultipartThresholdBytes);
            var parts = new List<PartETag>();
            for (long position = 0, number = 1; position < length; position += partSize, number++)
            {
                var part = new UploadPartRequest
                {
                    BucketName = Bucket,
                    Key = Key(name),
                    UploadId = upload.UploadId,
                    PartNumber = (int)number,
                    FilePath = localPath,
                    FilePosition = position,
                    PartSize = Math.Min(partSize, length - position),
                    UseChunkEncoding = false,
                };
                var response = await Call(() => _client.UploadPartAsync(part, cancellationToken), $"upload part {number} of {name}").ConfigureAwait(false);
                parts.Add(new PartETag((int)number, response.ETag));
            }

            await Call(
                () => _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = Bucket, Key = Key(name), UploadId = upload.UploadId, PartETags = parts }, cancellationToken),
                "finish upload of " + name).ConfigureAwait(false);
        }
        catch
        {
            // Unfinished parts cost storage until aborted; the upload failed anyway, so a failing abort is not reported.
            try
            {
                await _client.AbortMultipartUploadAsync(Bucket, Key(name), upload.UploadId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is AmazonServiceException or HttpRequestException)
            {
            }

            throw;
        }
    }

    private string Key(string name) => Prefix.Length == 0 ? name : Prefix + "/" + name;

    private async Task<T> Call<T>(Func<Task<T>> call, string what)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new DataSafetyException($"{Description}: {what} failed: {exception.ErrorCode ?? "not found"}. Maybe the bucket {Bucket} does not exist or the name is wrong.", exception);
        }
        catch (Exception exception) when (exception is AmazonServiceException or HttpRequestException or IOException)
        {
            throw Unreachable(what, exception);
        }
    }

    private DataSafetyException Unreachable(string what, Exception exception) =>
        new($"{Description}: {what} failed ({exception.GetType().Name}: {exception.Message}; {_settings}). Maybe the endpoint is unreachable or the credentials are wrong.", exception);
}
