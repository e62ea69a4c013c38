namespace QuantumPlanner.Core.Qubo;

/// <summary>
/// The one contract every sampler implements. A sampler minimises the model's energy and returns the samples it
/// found; with the same seed and options (and a sweep budget rather than a time limit) it returns the same SampleSet.
/// </summary>
public interface ISampler
{
    /// <summary>Short name used on the command line and in results, e.g. "sa".</summary>
    string Name { get; }

    SampleSet Sample(BinaryQuadraticModel model, SamplerOptions options, CancellationToken cancellationToken = default);
}
