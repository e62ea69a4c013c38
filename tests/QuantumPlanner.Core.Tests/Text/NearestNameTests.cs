using QuantumPlanner.Core.Text;

namespace QuantumPlanner.Core.Tests.Text;

public class NearestNameTests
{
    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("", "abc", 3)]
    [InlineData("abc", "", 3)]
    [InlineData("Deadline", "deadline", 0)]
    [InlineData("--time-limt", "--time-limit", 1)]
    public void Distance_KnownPairs_CountsEdits(string a, string b, int expected)
    {
        Assert.Equal(expected, NearestName.Distance(a, b));
        Assert.Equal(expected, NearestName.Distance(b, a));
    }

    [Fact]
    public void Find_CloseName_ReturnsTheClosest()
    {
        Assert.Equal("--time-limit", NearestName.Find("--time-limt", ["--seed", "--time-limit", "--format"]));
    }

    [Fact]
    public void Find_NothingClose_ReturnsNull()
    {
        Assert.Null(NearestName.Find("--no-such-flag", ["--seed", "--json"]));
        Assert.Null(NearestName.Find("x", []));
    }
}
