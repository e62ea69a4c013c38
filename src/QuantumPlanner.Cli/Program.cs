using QuantumPlanner.Cli;

return await QplanApp.RunAsync(args).ConfigureAwait(false);
