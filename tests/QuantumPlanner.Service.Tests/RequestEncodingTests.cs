using System.Net;
using System.Net.Http.Headers;

namespace QuantumPlanner.Service.Tests;

/// <summary>
/// Bodies that are not UTF-8 (the http-job fuzz target's first finding: JsonDocument accepts them and throws only when
/// the problem reader reads the string, which answered 500) are refused as 400 naming the byte, on every JSON route;
/// and a QUBO request with a key given twice (http-qubo's first finding: JsonObject threw when first indexed) is a 400.
/// Raw HttpClient on purpose: the bodies are ones the typed client cannot produce.
/// </summary>
public sealed class RequestEncodingTests
{
    [Theory]
    [InlineData("/api/v1/jobs", "{\"problem\": {\"name\": \"x\xB7\", \"agents\": [], \"tasks\": []}}")]
    [InlineData("/api/v1/solve", "{\"problem\": {\"name\": \"x\", \"agents\": [], \"tasks\": []}, \"s\x009Aed\": 1}")]
    [InlineData("/api/v1/qubo/solve", "{\"model\": {\"vartype\": \"BINARY\", \"linear\": {\"a\xE2\": 1}, \"quadratic\": []}}")]
    public async Task Post_BodyWithBytesThatAreNotUtf8_Answers400NamingTheByte(string route, string latin1)
    {
        await using var service = new TestService(new Dictionary<string, string?> { ["Workers"] = "0" });
        using var client = service.Client(await service.CreateKeyAsync("acme"));
        // Latin-1 maps each char to the one byte of that value, so \xB7 etc. arrive as lone bytes ≥ 0x80.
        var bytes = System.Text.Encoding.Latin1.GetBytes(latin1);
        var invalid = Array.FindIndex(bytes, b => b >= 0x80);
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await client.PostAsync(route, content);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{route} answered {(int)response.StatusCode}: {body}");
        Assert.Contains($"not valid UTF-8 (byte {invalid})", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SolveQubo_KeyGivenTwice_Answers400SayingSo()
    {
        await using var service = new TestService(new Dictionary<string, string?> { ["Workers"] = "0" });
        using var client = service.Client(await service.CreateKeyAsync("acme"));

        using var response = await client.PostAsync(
            "/api/v1/qubo/solve",
            new StringContent("{\"model\": {\"vartype\": \"BINARY\", \"linear\": {\"a\": 1}, \"quadratic\": []},\n \"seed\": 1, \"seed\": 3}", System.Text.Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"answered {(int)response.StatusCode}: {body}");
        Assert.Contains("given twice", body, StringComparison.Ordinal);
    }
}
