using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace QuantumPlanner.Remote.Sapi;

/// <summary>
/// A client of the D-Wave Solver API v2: solvers, problems (submit, long poll, fetch, cancel) and the multipart BQM
/// upload of hybrid solvers. Request bodies are zlib-deflated; every request asks for the vendor's versioned content
/// type and a 2xx answer of any other type is refused. Retries: a GET is retried on connection failures and 5xx; a
/// POST or PUT only when the service answers 429 or 503 with a Retry-After (it then did not take the request), so a
/// problem is never submitted twice by accident. The token travels in X-Auth-Token and appears in no message.
/// </summary>
public sealed class SapiClient : IDisposable
{
    /// <summary>Size of one multipart upload part, as the vendor's client uses.</summary>
    public const int UploadPartSize = 5 * 1024 * 1024;

    private const int MaxAttempts = 4;
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(60);

    private readonly HttpClient http;
    private readonly bool ownsHttp;

    public SapiClient(QuantumConfiguration configuration, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Configuration = configuration;
        http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        ownsHttp = true;
        http.BaseAddress = configuration.Endpoint;
        http.Timeout = configuration.RequestTimeout;
        http.DefaultRequestHeaders.Add("X-Auth-Token", configuration.Token);
        http.DefaultRequestHeaders.UserAgent.ParseAdd("QuantumPlanner-Remote/1.0");
    }

    public QuantumConfiguration Configuration { get; }

    /// <summary>Waits between retries; tests and the fallback path shorten it through the Retry-After they send.</summary>
    internal Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = Task.Delay;

    public async Task<IReadOnlyList<SolverDescription>> ListSolversAsync(CancellationToken cancellationToken = default)
    {
        var json = await SendAsync(HttpMethod.Get, "solvers/remote/", null, SapiMediaTypes.SolverDefinitionList, cancellationToken).ConfigureAwait(false);
        return SapiResponse.Solvers(json, "GET solvers/remote/");
    }

    public async Task<SolverDescription> GetSolverAsync(string name, CancellationToken cancellationToken = default)
    {
        var json = await SendAsync(HttpMethod.Get, $"solvers/remote/{Uri.EscapeDataString(name)}/", null, SapiMediaTypes.SolverDefinition, cancellationToken).ConfigureAwait(false);
        return SapiResponse.Solver(json, "GET solvers/remote/{name}/");
    }

    /// <summary>Submits one problem; a per-item error in the answer throws with the service's code and message.</summary>
    public async Task<ProblemStatus> SubmitAsync(JsonObject problem, CancellationToken cancellationToken = default)
    {
        var statuses = await SubmitManyAsync([problem], cancellationToken).ConfigureAwait(false);
        return statuses[0];
    }

    public async Task<IReadOnlyList<ProblemStatus>> SubmitManyAsync(IReadOnlyList<JsonObject> problems, CancellationToken cancellationToken = default)
    {
        var body = new JsonArray([.. problems.Select(p => (JsonNode)p.DeepClone())]);
        var json = await SendAsync(HttpMethod.Post, "problems/", body, SapiMediaTypes.Problems, cancellationToken).ConfigureAwait(false);
        return SapiResponse.Statuses(json, "POST problems/");
    }

    /// <summary>Long poll: returns as soon as one of the problems is done, or after <paramref name="timeout"/> (0–30 s).</summary>
    public async Task<IReadOnlyList<ProblemStatus>> PollAsync(IReadOnlyList<string> ids, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var seconds = Math.Clamp((int)Math.Ceiling(timeout.TotalSeconds), 0, 30);
        var query = $"problems/?id={string.Join(',', ids.Select(Uri.EscapeDataString))}&timeout={seconds.ToString(CultureInfo.InvariantCulture)}";
        var json = await SendAsync(HttpMethod.Get, query, null, SapiMediaTypes.Problems, cancellationToken, extraTime: TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
        return SapiResponse.Statuses(json, "GET problems/");
    }

    /// <summary>The problem's status with its answer when it has completed.</summary>
    public async Task<ProblemStatus> GetProblemAsync(string id, CancellationToken cancellationToken = default)
    {
        var json = await SendAsync(HttpMethod.Get, $"problems/{Uri.EscapeDataString(id)}/", null, SapiMediaTypes.Problem, cancellationToken).ConfigureAwait(false);
        return SapiResponse.Status(json, "GET problems/{id}/");
    }

    /// <summary>Cancels a problem; false when it had already finished (the service answers 409).</summary>
    public async Task<bool> CancelAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            await SendAsync(HttpMethod.Delete, $"problems/{Uri.EscapeDataString(id)}/", null, SapiMediaTypes.Problem, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SapiException e) when (e.StatusCode == 409)
        {
            return false;
        }
    }

    /// <summary>
    /// Long-polls until the problem is done and returns it with its answer. A 5xx while polling is a passing fault:
    /// polling goes on with a growing pause (0.05·1.3ⁿ s, at most 60 s, as the vendor's client does).
    /// </summary>
    public async Task<ProblemStatus> WaitAsync(string id, CancellationToken cancellationToken = default)
    {
        var transient = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            IReadOnlyList<ProblemStatus> statuses;
            try
            {
                statuses = await PollAsync([id], TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
                transient = 0;
            }
            catch (SapiException e) when (e.StatusCode is >= 500)
            {
                await Delay(TimeSpan.FromSeconds(Math.Min(60, 0.05 * Math.Pow(1.3, transient++))), cancellationToken).ConfigureAwait(false);
                continue;
            }

            var status = statuses.FirstOrDefault(s => s.Id == id)
                ?? throw new SapiException(RemoteFailure.Rejected, $"Polling for problem {id} returned no status for it. Maybe the id is wrong.");
            if (status.IsDone)
            {
                return status.Status == ProblemStatus.Completed && status.Answer is null
                    ? await GetProblemAsync(id, cancellationToken).ConfigureAwait(false)
                    : status;
            }
        }
    }

    /// <summary>
    /// Uploads a DIMODBQM file for hybrid solvers: open a multipart upload, PUT 5 MiB parts with Content-MD5,
    /// check that the service recorded each part's checksum, then combine with the MD5 of the concatenated part MD5s.
    /// Returns the id to submit as {"format": "ref", "data": id}.
    /// </summary>
    public async Task<string> UploadBqmAsync(byte[] data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var start = await SendAsync(HttpMethod.Post, "bqm/multipart", new JsonObject { ["size"] = data.Length }, null, cancellationToken).ConfigureAwait(false);
        var id = start?["id"]?.GetValue<string>() ?? throw new SapiException(RemoteFailure.Rejected, "Opening the multipart upload returned no id.");
        var digests = new List<byte[]>();
        for (var offset = 0; offset < data.Length || (offset == 0 && data.Length == 0); offset += UploadPartSize)
        {
            var part = data.AsMemory(offset, Math.Min(UploadPartSize, data.Length - offset));
            var md5 = MD5.HashData(part.Span);
            digests.Add(md5);
            var number = digests.Count;
            await SendRawAsync(
                () =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Put, $"bqm/multipart/{Uri.EscapeDataString(id)}/part/{number}")
                    {
                        Content = new ReadOnlyMemoryContent(part),
                    };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    request.Content.Headers.ContentMD5 = md5;
                    return request;
                },
                isPost: true,
                cancellationToken).ConfigureAwait(false);
            if (data.Length == 0)
            {
                break;
            }
        }

        var status = await SendAsync(HttpMethod.Get, $"bqm/multipart/{Uri.EscapeDataString(id)}/status", null, null, cancellationToken).ConfigureAwait(false);
        var recorded = status?["parts"]?.AsArray().ToDictionary(p => p!["part_number"]!.GetValue<int>(), p => p!["checksum"]!.GetValue<string>()) ?? [];
        for (var i = 0; i < digests.Count; i++)
        {
            var expected = Convert.ToHexStringLower(digests[i]);
            if (!recorded.TryGetValue(i + 1, out var checksum) || !string.Equals(checksum, expected, StringComparison.OrdinalIgnoreCase))
            {
                throw new SapiException(RemoteFailure.Rejected, $"Upload {id}: part {i + 1} has checksum '{checksum ?? "none"}' on the service, expected {expected}. Maybe the connection corrupted it; upload again.");
            }
        }

        var combined = Convert.ToHexStringLower(MD5.HashData(digests.SelectMany(d => d).ToArray()));
        await SendAsync(HttpMethod.Post, $"bqm/multipart/{Uri.EscapeDataString(id)}/combine", new JsonObject { ["checksum"] = combined }, null, cancellationToken).ConfigureAwait(false);
        return id;
    }

    public void Dispose()
    {
        if (ownsHttp)
        {
            http.Dispose();
        }
    }

    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonNode? body, string? mediaType, CancellationToken cancellationToken, TimeSpan extraTime = default)
    {
        var isPost = method == HttpMethod.Post || method == HttpMethod.Put;
        byte[]? compressed = body is null ? null : Deflate(body.ToJsonString());
        using var response = await SendRawAsync(
            () =>
            {
                var request = new HttpRequestMessage(method, path);
                if (mediaType is not null)
                {
                    request.Headers.Accept.ParseAdd($"{mediaType}; version={SapiMediaTypes.RequestedVersion}");
                }
                else
                {
                    request.Headers.Accept.ParseAdd("application/json");
                }

                if (compressed is not null)
                {
                    request.Content = new ByteArrayContent(compressed);
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    request.Content.Headers.ContentEncoding.Add("deflate");
                }

                return request;
            },
            isPost,
            cancellationToken,
            extraTime).ConfigureAwait(false);

        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (mediaType is not null)
        {
            var contentType = response.Content.Headers.ContentType;
            var version = contentType?.Parameters.FirstOrDefault(p => p.Name == "version")?.Value?.Trim('"');
            if (contentType?.MediaType != mediaType || !SapiMediaTypes.IsCompatible(mediaType, version))
            {
                throw new SapiException(RemoteFailure.Rejected, $"{method} {PathOnly(path)} answered with Content-Type '{contentType}', expected '{mediaType}; version=3.x'. Maybe the endpoint is not a SAPI v2 service.", (int)response.StatusCode);
            }
        }

        return SapiResponse.Parse(text, $"{method} {PathOnly(path)}", (int)response.StatusCode);
    }

    private async Task<HttpResponseMessage> SendRawAsync(Func<HttpRequestMessage> build, bool isPost, CancellationToken cancellationToken, TimeSpan extraTime = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = build();
            var what = $"{request.Method} {PathOnly(request.RequestUri?.OriginalString ?? string.Empty)}";
            HttpResponseMessage response;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Configuration.RequestTimeout + extraTime);
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                // Unreachable: a GET may try again; a POST may have arrived, so it is never sent twice.
                if (!isPost && attempt < MaxAttempts)
                {
                    await Delay(TimeSpan.FromSeconds(0.01 * Math.Pow(2, attempt)), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                throw new SapiException(RemoteFailure.Unreachable, $"{what}: the service at {Configuration.Endpoint.GetLeftPart(UriPartial.Authority)} is unreachable ({e.Message}).", null, e);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SapiException(RemoteFailure.Timeout, $"{what}: no answer within {(Configuration.RequestTimeout + extraTime).TotalSeconds:F0} s.", null, e);
            }

            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            var status = (int)response.StatusCode;
            var retryAfter = RetryAfter(response);
            var message = await ErrorMessageAsync(response, cancellationToken).ConfigureAwait(false);
            response.Dispose();
            if (status is 429 or 503 && retryAfter is { } wait && wait <= MaxRetryAfter && attempt < MaxAttempts)
            {
                await Delay(wait, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!isPost && status >= 500 && status != 503 && attempt < MaxAttempts)
            {
                await Delay(TimeSpan.FromSeconds(0.01 * Math.Pow(2, attempt)), cancellationToken).ConfigureAwait(false);
                continue;
            }

            var failure = status switch
            {
                401 or 403 => RemoteFailure.Unauthorized,
                429 => RemoteFailure.Quota,
                >= 500 => RemoteFailure.Unreachable,
                _ => RemoteFailure.Rejected,
            };
            var hint = failure == RemoteFailure.Unauthorized ? $" Maybe {QuantumConfiguration.TokenVariable} holds a wrong or expired token." : string.Empty;
            throw new SapiException(failure, $"{what} failed with {status}: {message}.{hint}", status);
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date ? date - DateTimeOffset.UtcNow : null;
    }

    private static async Task<string> ErrorMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var json = JsonNode.Parse(text);
            return json is JsonObject o && o["error_msg"] is JsonValue v && v.TryGetValue<string>(out var message) ? message : Cut(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return Cut(text);
        }
    }

    private static string Cut(string text) => text.Length > 200 ? text[..200] : text;

    /// <summary>The path without the query string, for messages (ids are fine; nothing secret travels in paths).</summary>
    private static string PathOnly(string path)
    {
        var q = path.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? path : path[..q];
    }

    internal static byte[] Deflate(string json)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(Encoding.UTF8.GetBytes(json));
        }

        return output.ToArray();
    }
}
