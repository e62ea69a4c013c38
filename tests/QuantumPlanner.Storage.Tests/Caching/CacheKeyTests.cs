using QuantumPlanner.Storage.Caching;

namespace QuantumPlanner.Storage.Tests.Caching;

public sealed class CacheKeyTests
{
    private const string Problem = """{"tasks":[{"id":"a","duration":3},{"id":"b","duration":2}],"horizon":10,"name":"demo"}""";

    [Fact]
    public void For_SameProblemWithOtherKeyOrderAndWhitespace_GivesTheSameKey()
    {
        const string Reordered = """
            {
              "name" : "demo",
              "horizon": 10,
              "tasks": [ { "duration": 3, "id": "a" }, {"duration":2,"id":"b"} ]
            }
            """;

        Assert.Equal(CacheKey.For("acme", Problem, "auto", 10, 1), CacheKey.For("acme", Reordered, "auto", 10, 1));
        Assert.Equal(CacheKey.ProblemHash(Problem), CacheKey.ProblemHash(Reordered));
    }

    [Fact]
    public void For_AnyOptionOrTheArrayOrderDiffers_GivesAnotherKey()
    {
        var reference = CacheKey.For("acme", Problem, "auto", 10, 1);
        const string SwappedTasks = """{"tasks":[{"id":"b","duration":2},{"id":"a","duration":3}],"horizon":10,"name":"demo"}""";

        string[] others =
        [
            CacheKey.For("acme", Problem, "cpsat", 10, 1),
            CacheKey.For("acme", Problem, "auto", 11, 1),
            CacheKey.For("acme", Problem, "auto", 10, 2),
            CacheKey.For("acme", SwappedTasks, "auto", 10, 1),
            CacheKey.For("globex", Problem, "auto", 10, 1),
            CacheKey.For("acme\n", Problem, "auto", 10, 1),
        ];

        Assert.All(others, other => Assert.NotEqual(reference, other));
        Assert.Equal(others.Length, others.Distinct().Count());
    }

    [Fact]
    public void ProblemHash_ElementOfAParsedBody_EqualsTheHashOfItsText()
    {
        using var body = System.Text.Json.JsonDocument.Parse($$"""{ "seed": 1, "problem": {{Problem}} }""");

        var element = body.RootElement.GetProperty("problem");

        Assert.Equal(CacheKey.ProblemHash(Problem), CacheKey.ProblemHash(element));
        Assert.Equal(CacheKey.For("acme", Problem, "auto", 10, 1), CacheKey.ForProblemHash("acme", CacheKey.ProblemHash(element), "auto", 10, 1));
    }

    [Fact]
    public void For_Key_HasThePrefixATenantTagAndALowerCaseSha256()
    {
        var key = CacheKey.For("acme", Problem, "auto", 10, 1);

        Assert.StartsWith(CacheKey.Prefix, key, StringComparison.Ordinal);
        var parts = key[CacheKey.Prefix.Length..].Split(':');
        Assert.Equal([32, 64], parts.Select(p => p.Length));
        Assert.All(string.Concat(parts), c => Assert.True(char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c)));
        Assert.DoesNotContain("acme", key, StringComparison.Ordinal);
    }

    [Fact]
    public void TenantPattern_MatchesTheTenantsKeysOnly()
    {
        var pattern = CacheKey.TenantPattern("acme");

        Assert.EndsWith(":*", pattern, StringComparison.Ordinal);
        Assert.StartsWith(pattern[..^1], CacheKey.For("acme", Problem, "auto", 10, 1), StringComparison.Ordinal);
        Assert.StartsWith(pattern[..^1], CacheKey.ForProblemHash("acme", "ff", "greedy", 3, 9), StringComparison.Ordinal);
        Assert.False(CacheKey.For("acme2", Problem, "auto", 10, 1).StartsWith(pattern[..^1], StringComparison.Ordinal));
        Assert.False(CacheKey.For("acm", Problem, "auto", 10, 1).StartsWith(pattern[..^1], StringComparison.Ordinal));
    }

    [Fact]
    public void Canonicalize_EscapedAndNestedValues_SortsKeysAndDropsWhitespace()
    {
        var canonical = CacheKey.Canonicalize("""{ "b": [ 1, {"z":null, "y":true} ], "a": "x\u0041" }""");

        Assert.Equal("""{"a":"xA","b":[1,{"y":true,"z":null}]}""", canonical);
    }

    [Fact]
    public void For_MalformedJson_ThrowsJsonException()
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => CacheKey.For("acme", "{\"tasks\":", "auto", 10, 1));
    }
}
