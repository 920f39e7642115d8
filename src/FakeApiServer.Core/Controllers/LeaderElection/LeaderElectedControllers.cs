using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers.LeaderElection;

/// <summary>
/// A group of controllers that runs only while this replica holds the group's Lease: "kube-controller-manager" for the
/// controllers, "kube-scheduler" for the scheduler, as those two binaries elect their leaders upstream.
/// </summary>
internal sealed partial class LeaderElectedControllers(LeaderElector elector, string name, IReadOnlyList<IController> controllers, ILogger logger) : IController
{
    /// <summary>The Lease names, as upstream's binaries use them.</summary>
    public const string ControllerManagerLease = "kube-controller-manager";

    /// <inheritdoc cref="ControllerManagerLease"/>
    public const string SchedulerLease = "kube-scheduler";

    public string Name => name;

    public Task RunAsync(CancellationToken cancellationToken) =>
        elector.RunAsync(leading => Task.WhenAll(controllers.Select(c => RunOneAsync(c, leading))), cancellationToken);

    /// <summary>
    /// Splits the selected controllers into the two elected groups; with leader election off, returns them as they are.
    /// </summary>
    public static IEnumerable<IController> Group(
        IEnumerable<IController> all, ControllerSelection selection, LeaderElectionOptions options, bool enabled, Registry.ResourceCatalog catalog, TimeProvider time, ILogger logger)
    {
        var selected = all.Where(c => selection.IsEnabled(c.Name)).ToList();
        if (!enabled)
        {
            return selected;
        }

        var identity = Environment.MachineName + "_" + Guid.NewGuid().ToString("D");
        return new[] { (ControllerManagerLease, selected.Where(c => c.Name != "scheduler").ToList()), (SchedulerLease, selected.Where(c => c.Name == "scheduler").ToList()) }
            .Where(g => g.Item2.Count > 0)
            .Select(g => new LeaderElectedControllers(new LeaderElector(catalog, g.Item1, identity, options, time, logger), g.Item1, g.Item2, logger));
    }

    private async Task RunOneAsync(IController controller, CancellationToken cancellationToken)
    {
        try
        {
            await controller.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // As ControllerManager: a failing controller stops alone.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.Failed(logger, controller.Name, e);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1303, Level = LogLevel.Error, Message = "Controller {Controller} failed")]
        public static partial void Failed(ILogger logger, string controller, Exception exception);
    }
}
