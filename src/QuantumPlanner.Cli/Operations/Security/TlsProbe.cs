using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace QuantumPlanner.Cli.Operations.Security;

/// <summary>
/// A real TLS handshake with an https URL (the runbook's <c>curl -I ... | grep certificate</c> and sslyze): protocol,
/// cipher suite, the certificate chain and whether this machine trusts it, days to expiry (⚠ under
/// <see cref="WarnDays"/>, ✗ expired), then one HEAD request for Strict-Transport-Security.
/// </summary>
internal static class TlsProbe
{
    public const int WarnDays = 30;

    public static async Task<IReadOnlyList<CheckLine>> CheckAsync(Uri url, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (url.Scheme != Uri.UriSchemeHttps)
        {
            return [CheckLine.Warning("tls", $"{url} is plain HTTP: nothing to check, and keys travel unencrypted. Maybe --url https://... (the ingress).")];
        }

        X509Certificate2? leaf = null;
        var chainNames = new List<string>();
        var errors = SslPolicyErrors.None;
        var chainStatus = string.Empty;
        SslProtocols protocol;
        TlsCipherSuite cipher;
        try
        {
            using var tcp = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            await tcp.ConnectAsync(url.Host, url.Port, timeout.Token).ConfigureAwait(false);
            var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
            await using (ssl.ConfigureAwait(false))
            {
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = url.IdnHost,
                    // Accept whatever is offered so the audit can describe it; the verdict comes from the errors kept here.
                    RemoteCertificateValidationCallback = (_, certificate, chain, policyErrors) =>
                    {
                        errors = policyErrors;
                        leaf = certificate is null ? null : new X509Certificate2(certificate);
                        if (chain is not null)
                        {
                            chainNames.AddRange(chain.ChainElements.Select(e => e.Certificate.Subject));
                            chainStatus = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
                        }

                        return true;
                    },
                }, timeout.Token).ConfigureAwait(false);
                protocol = ssl.SslProtocol;
                cipher = ssl.NegotiatedCipherSuite;
            }
        }
        catch (Exception ex) when (ex is SocketException or AuthenticationException or IOException or OperationCanceledException)
        {
            return [CheckLine.Failure("tls: handshake", $"{url.Host}:{url.Port} refused the handshake ({ex.GetType().Name}: {ex.Message}). Maybe the port is not TLS, or the service is down.")];
        }

        var lines = new List<CheckLine>
        {
            protocol is SslProtocols.Tls12 or SslProtocols.Tls13
                ? CheckLine.Ok("tls: protocol", protocol.ToString())
                : CheckLine.Failure("tls: protocol", $"{protocol}: older than TLS 1.2. Maybe turn the old protocols off on the ingress."),
            CipherLine(cipher),
        };
        using (leaf)
        {
            if (leaf is null)
            {
                lines.Add(CheckLine.Failure("tls: certificate", "the server sent no certificate"));
                return lines;
            }

            lines.Add(ExpiryLine(leaf, now));
            lines.Add(ChainLine(leaf, errors, chainNames, chainStatus));
        }

        lines.Add(await HstsLineAsync(url, cancellationToken).ConfigureAwait(false));
        return lines;
    }

    private static CheckLine CipherLine(TlsCipherSuite cipher)
    {
        var name = cipher.ToString();
        return name.Contains("NULL", StringComparison.Ordinal) || name.Contains("RC4", StringComparison.Ordinal) || name.Contains("DES", StringComparison.Ordinal) || name.Contains("EXPORT", StringComparison.Ordinal)
            ? CheckLine.Failure("tls: cipher", name + ": a broken cipher. Maybe allow only AEAD suites (AES-GCM, ChaCha20).")
            : name.Contains("CBC", StringComparison.Ordinal)
                ? CheckLine.Warning("tls: cipher", name + ": CBC mode. Maybe prefer AEAD suites (AES-GCM, ChaCha20).")
                : CheckLine.Ok("tls: cipher", name);
    }

    private static CheckLine ExpiryLine(X509Certificate2 leaf, DateTimeOffset now)
    {
        var notAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        var notBefore = new DateTimeOffset(leaf.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        var days = (notAfter - now).TotalDays;
        var detail = string.Create(CultureInfo.InvariantCulture, $"{leaf.Subject}, valid until {notAfter:u} ({Math.Floor(days):0} days left)");
        if (now < notBefore)
        {
            return CheckLine.Failure("tls: certificate", string.Create(CultureInfo.InvariantCulture, $"{leaf.Subject} is not valid before {notBefore:u}. Maybe the clock or the certificate is wrong."));
        }

        return days <= 0 ? CheckLine.Failure("tls: certificate", string.Create(CultureInfo.InvariantCulture, $"{leaf.Subject} expired {notAfter:u}. Maybe renew it now (cert-manager: kubectl describe certificate)."))
            : days < WarnDays ? CheckLine.Warning("tls: certificate", detail + $": under {WarnDays} days. Maybe renew it.")
            : CheckLine.Ok("tls: certificate", detail);
    }

    private static CheckLine ChainLine(X509Certificate2 leaf, SslPolicyErrors errors, List<string> chainNames, string chainStatus)
    {
        var selfSigned = leaf.SubjectName.RawData.AsSpan().SequenceEqual(leaf.IssuerName.RawData);
        var chain = chainNames.Count > 0 ? string.Join(" ← ", chainNames) : leaf.Subject;
        if (errors == SslPolicyErrors.None)
        {
            return CheckLine.Ok("tls: chain", $"trusted: {chain}");
        }

        var why = new List<string>();
        if (selfSigned)
        {
            why.Add("self-signed");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            why.Add("name does not match the host");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            why.Add("chain not trusted here" + (chainStatus.Length > 0 ? $" ({chainStatus})" : string.Empty));
        }

        return CheckLine.Failure("tls: chain", $"{string.Join(", ", why)}: {chain}. Maybe a certificate from a public or the company CA.");
    }

    private static async Task<CheckLine> HstsLineAsync(Uri url, CancellationToken cancellationToken)
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(15) };
        try
        {
            using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(url, "/health/live")), cancellationToken).ConfigureAwait(false);
            return response.Headers.TryGetValues("Strict-Transport-Security", out var values)
                ? CheckLine.Ok("tls: HSTS", "Strict-Transport-Security: " + string.Join(", ", values))
                : CheckLine.Warning("tls: HSTS", $"no Strict-Transport-Security header (HTTP {(int)response.StatusCode} from /health/live). Maybe ForwardedHeadersProxies so the service sees HTTPS behind the ingress.");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return CheckLine.Warning("tls: HSTS", $"no HTTP answer over TLS ({ex.Message})");
        }
    }
}
