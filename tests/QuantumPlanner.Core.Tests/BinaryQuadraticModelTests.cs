using QuantumPlanner.Core.Qubo;

namespace QuantumPlanner.Core.Tests;

public class BinaryQuadraticModelTests
{
    [Fact]
    public void ChangeVartype_RoundTrip_PreservesEveryEnergy()
    {
        var random = new Random(7);
        var model = new BinaryQuadraticModel(Vartype.Binary, 6);
        for (var i = 0; i < 6; i++)
        {
            model.AddLinear(i, random.Next(-5, 6));
            for (var j = i + 1; j < 6; j++)
            {
                model.AddQuadratic(i, j, random.Next(-5, 6));
            }
        }

        model.Offset = 3;
        var spin = model.ChangeVartype(Vartype.Spin);
        for (var bits = 0; bits < 64; bits++)
        {
            var x = new sbyte[6];
            var s = new sbyte[6];
            for (var i = 0; i < 6; i++)
            {
                x[i] = (sbyte)((bits >> i) & 1);
                s[i] = (sbyte)((2 * x[i]) - 1);
            }

            Assert.Equal(model.Energy(x), spin.Energy(s), 9);
            Assert.Equal(model.Energy(x), spin.ChangeVartype(Vartype.Binary).Energy(x), 9);
            Assert.Equal(model.Energy(x), model.ToCsr().Energy(x), 9);
        }
    }

    [Fact]
    public void AddQuadratic_NonFinite_NamesTheVariables()
    {
        var model = new BinaryQuadraticModel(Vartype.Binary);
        var a = model.AddVariable("a");
        var b = model.AddVariable("b");
        var error = Assert.Throws<ArgumentException>(() => model.AddQuadratic(a, b, double.NaN));
        Assert.Contains("'a'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'b'", error.Message, StringComparison.Ordinal);
    }
}
