using Xunit.Abstractions;
using Xunit.Sdk;

namespace QuantumPlanner.Storage.Tests.Infrastructure;

/// <summary>Marks a test class whose tests need an external service named by an environment variable.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class RequiresServiceAttribute(string variable) : Attribute
{
    public string Variable { get; } = variable;
}

/// <summary>
/// A fact that is skipped (with <see cref="TestServices.SkipReason"/>) when the concrete test class carries
/// <see cref="RequiresServiceAttribute"/> and the service is absent. Decided per concrete class, so one
/// abstract contract suite can run against SQLite always and against PostgreSQL when it exists.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("QuantumPlanner.Storage.Tests.Infrastructure.ServiceFactDiscoverer", "QuantumPlanner.Storage.Tests")]
public sealed class ServiceFactAttribute : FactAttribute
{
}

public sealed class ServiceFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    private readonly FactDiscoverer _facts = new(diagnosticMessageSink);

    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var testClass = testMethod.TestClass.Class.ToRuntimeType();
        foreach (var requirement in testClass.GetCustomAttributes(typeof(RequiresServiceAttribute), inherit: true))
        {
            var skip = TestServices.SkipReason(((RequiresServiceAttribute)requirement).Variable);
            if (skip is not null)
            {
                return
                [
                    new XunitSkippedDataRowTestCase(
                        diagnosticMessageSink,
                        discoveryOptions.MethodDisplayOrDefault(),
                        discoveryOptions.MethodDisplayOptionsOrDefault(),
                        testMethod,
                        skip),
                ];
            }
        }

        return _facts.Discover(discoveryOptions, testMethod, factAttribute);
    }
}
