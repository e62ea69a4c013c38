namespace QuantumPlanner.OrTools.CpSat;

/// <summary>
/// CP-SAT takes integer objective coefficients only. Plans are scored in doubles (weights × costs), so every
/// coefficient is multiplied by the smallest power of ten (1 … 10^6) that makes all of them integers; the solver's
/// objective and bound are divided by it again. When no such power exists (e.g. a weight of 1/3), coefficients are
/// rounded at 10^6 relative to the largest one, so the model's objective may differ from the scorer's in the
/// seventh significant digit; the bound is then reported loosened by that rounding error.
/// </summary>
internal readonly record struct ObjectiveScale(double Factor, bool Exact, double RoundingSlack)
{
    private const int MaxDecimals = 6;

    public static ObjectiveScale Choose(IReadOnlyList<double> coefficients, double constant, long maxVariableMagnitude)
    {
        double largest = Math.Abs(constant);
        foreach (var c in coefficients)
        {
            largest = Math.Max(largest, Math.Abs(c));
        }

        for (int decimals = 0; decimals <= MaxDecimals; decimals++)
        {
            double factor = Math.Pow(10, decimals);
            if (largest * factor * Math.Max(1, maxVariableMagnitude) > 1e15)
            {
                break;
            }

            if (IsIntegral(constant * factor) && AllIntegral(coefficients, factor))
            {
                return new ObjectiveScale(factor, Exact: true, RoundingSlack: 0);
            }
        }

        // Keep about nine significant digits of the largest coefficient and stay far from int64 overflow.
        double scale = largest == 0 ? 1 : Math.Pow(10, Math.Floor(9 - Math.Log10(largest)));
        while (scale > 1e-9 && largest * scale * Math.Max(1, maxVariableMagnitude) > 1e15)
        {
            scale /= 10;
        }

        double slack = 0;
        foreach (var c in coefficients)
        {
            slack += Math.Abs(c * scale - Math.Round(c * scale)) * Math.Max(1, maxVariableMagnitude);
        }

        return new ObjectiveScale(scale, Exact: false, RoundingSlack: slack / scale);
    }

    public long ToInteger(double value) => checked((long)Math.Round(value * Factor));

    public double ToPlanUnits(double scaled) => scaled / Factor;

    private static bool AllIntegral(IReadOnlyList<double> coefficients, double factor)
    {
        foreach (var c in coefficients)
        {
            if (!IsIntegral(c * factor))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsIntegral(double x) => Math.Abs(x - Math.Round(x)) <= 1e-9 * Math.Max(1, Math.Abs(x));
}
