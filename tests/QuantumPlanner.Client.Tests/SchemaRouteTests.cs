using System.Net;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Service.Tests;

namespace QuantumPlanner.Client.Tests;

/// <summary>/schemas/{name}: the published schemas, open without a key like /openapi/v1.json.</summary>
public sealed class SchemaRouteTests
{
    [Theory]
    [InlineData("problem.json")]
    [InlineData("plan.json")]
    public async Task GetSchema_WithoutKey_ServesTheDocsFile(string name)
    {
        await using var service = new TestService();
        using var http = service.Client();

        using var response = await http.GetAsync($"/schemas/{name}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/schema+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(PlanningSchemas.Find(name), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GetSchema_UnknownName_Answers404NamingTheSchemasThereAre()
    {
        await using var service = new TestService();
        using var http = service.Client();

        using var response = await http.GetAsync("/schemas/job.json");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("problem.json", body, StringComparison.Ordinal);
    }
}
