using QuantumPlanner.Cli.Commands;
using QuantumPlanner.Cli.Commands.Ops;
using QuantumPlanner.Core.Planning;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli;

/// <summary>
/// Builds the command tree and runs it. Tests call <see cref="RunAsync"/> with their own consoles: <c>console</c> gets
/// stdout, <c>errors</c> stderr (progress, messages, errors; by default the same as <c>console</c> when only that one is
/// given), <c>input</c> the answers to questions.
/// </summary>
public static class QplanApp
{
    public static async Task<int> RunAsync(string[] args, IAnsiConsole? console = null, IAnsiConsole? errors = null, TextReader? input = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var process = Consoles.OfProcess();
        var consoles = new Consoles(console ?? process.Out, errors ?? console ?? process.Error, input);
        consoles.Enter();
        var app = Build(consoles);
        try
        {
            return await app.RunAsync(JoinDashValues(args)).ConfigureAwait(false);
        }
        catch (CommandParseException ex) when (StrictOptions.UnknownOption(ex.Message) is { } option)
        {
            // Spectre names the option; say which verb refused it and what it probably meant.
            consoles.Fail(StrictOptions.Describe(args, option, ModelXml()));
            return ExitCodes.BadInput;
        }
        catch (Exception ex) when (ex is CommandAppException or UserInputException or ArgumentException)
        {
            // Bad input (a refused command line or model, an unknown name): one line naming the item, no stack trace.
            consoles.Fail(ex.Message);
            return ExitCodes.BadInput;
        }
        catch (ObjectiveCheckException ex)
        {
            // --check / QP_CHECK=1 found a backend whose own objective disagrees with the scorer: a bug, said plainly.
            consoles.Note($"check failed: {ex.Message}");
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException)
        {
            consoles.Note("cancelled");
            return ExitCodes.Failure;
        }
    }

    /// <summary>
    /// "--log-file -" (standard input, by the usual convention) as "--log-file=-": Spectre's tokenizer reads a lone "-"
    /// as an option without a name and refuses the command line.
    /// </summary>
    private static string[] JoinDashValues(string[] args)
    {
        var joined = new List<string>(args.Length);
        foreach (var arg in args)
        {
            if (arg == "-" && joined.Count > 0 && joined[^1] is var option && option.StartsWith("--", StringComparison.Ordinal) && option.Length > 2 && !option.Contains('=', StringComparison.Ordinal))
            {
                joined[^1] = option + "=-";
            }
            else
            {
                joined.Add(arg);
            }
        }

        return [.. joined];
    }

    /// <summary>The command tree as Spectre describes it (`qplan cli xmldoc`), rendered off screen.</summary>
    private static string ModelXml()
    {
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 10_000;
        Build(new Consoles(console, console, TextReader.Null)).Run(["cli", "xmldoc"]);
        return writer.ToString();
    }

    private static CommandApp Build(Consoles consoles)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("qplan");
            config.ConfigureConsole(consoles.Out);
            config.Settings.Registrar.RegisterInstance(consoles);

            config.PropagateExceptions();
            config.Settings.StrictParsing = true;
            config.SetInterceptor(new StrictOptions());
            config.AddCommand<SolveCommand>("solve").WithDescription("Solve a planning problem.").WithExample("solve", "examples/software-sprint.json", "--explain");
            config.AddCommand<ValidateCommand>("validate").WithDescription("Check a planning problem and list every issue.");
            config.AddCommand<GenerateCommand>("generate").WithDescription("Generate a random, feasible planning problem.").WithExample("generate", "--agents", "50", "--tasks", "75", "--seed", "1");
            config.AddCommand<BackendsCommand>("backends").WithDescription("List the planning backends and whether they can run here.");
            config.AddBranch("import", import =>
            {
                import.SetDescription("Read a benchmark instance and print it as planning JSON");
                import.AddCommand<ImportGapCommand>("gap");
                import.AddCommand<ImportJspCommand>("jsp");
                import.AddCommand<ImportRcpspCommand>("rcpsp");
            });
            config.AddBranch("qubo", qubo =>
            {
                qubo.SetDescription("Solve raw QUBO / Ising models.");
                qubo.AddCommand<QuboSolveCommand>("solve").WithDescription("Solve a model file (bqp, gset, qubo, json).");
            });
            config.AddCommand<BenchCommand>("bench").WithDescription("Run a benchmark family against its best-known values.");
            RegisterServiceCommands(config);
        });
        return app;
    }

    /// <summary>The service verbs: serve, worker, keys, db, loadtest (issue 4).</summary>
    private static void RegisterServiceCommands(IConfigurator config)
    {
        config.AddCommand<ServeCommand>("serve").WithDescription("Run the HTTP API with in-process workers.");
        config.AddCommand<WorkerCommand>("worker").WithDescription("Run workers only (scale-out), with /health and /metrics.");
        config.AddBranch("keys", keys =>
        {
            keys.SetDescription("Manage API keys.");
            keys.AddCommand<KeysCreateCommand>("create").WithDescription("Create a key and print it once.");
            keys.AddCommand<KeysListCommand>("list").WithDescription("List keys (never the keys themselves).");
            keys.AddCommand<KeysRevokeCommand>("revoke").WithDescription("Revoke a key by id.");
        });
        config.AddBranch("db", db =>
        {
            db.SetDescription("Database administration.");
            db.AddCommand<DbMigrateCommand>("migrate").WithDescription("Apply schema migrations.");
        });
        config.AddBranch("audit", audit =>
        {
            audit.SetDescription("The audit log of key changes, maintenance switches and destructive operations.");
            audit.AddCommand<AuditListCommand>("list").WithDescription("List audit entries, newest first.");
        });
        OpsBranch.Register(config);
        config.AddCommand<McpCommand>("mcp").WithDescription("MCP tool server on stdin/stdout, for agent frameworks.");
        config.AddCommand<LoadTestCommand>("loadtest").WithDescription("Closed-loop load test of a running service.");
    }
}
