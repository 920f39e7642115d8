using FakeApiServer.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers;

/// <summary>Runs the selected controllers for the server's lifetime, as kube-controller-manager does in-process.</summary>
internal sealed partial class ControllerManager : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];
    private readonly ILogger _logger;
    private readonly SharedInformerFactory _informers;

    /// <param name="controllers">Every known controller.</param>
    /// <param name="selection">Which of them run.</param>
    /// <param name="ready">
    /// What the controllers wait for before they start: the built-in schemas every write needs. Built once, on one
    /// thread, while the others wait without blocking: controllers racing to build them would each hold a pool thread,
    /// and on a small machine the server's first requests would queue behind them.
    /// </param>
    /// <param name="informers">The controllers' shared informers: started with them, stopped after them.</param>
    /// <param name="logger">The logger.</param>
    public ControllerManager(IEnumerable<IController> controllers, ControllerSelection selection, Task ready, SharedInformerFactory informers, ILogger logger)
    {
        _logger = logger;
        _informers = informers;
        _running.Add(StartInformersAsync(ready, _stop.Token));
        foreach (var controller in controllers.Where(c => selection.IsEnabled(c.Name)))
        {
            _running.Add(RunAsync(controller, ready, _stop.Token));
        }
    }

    /// <summary>Stops every controller and waits for them to return.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running);
        await _informers.DisposeAsync();
        _stop.Dispose();
    }

    private async Task StartInformersAsync(Task ready, CancellationToken cancellationToken)
    {
        try
        {
            await ready.WaitAsync(cancellationToken);
            _informers.Start(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunAsync(IController controller, Task ready, CancellationToken cancellationToken)
    {
        // Off the caller's thread: a controller's synchronous start must not delay the server's.
        await Task.Yield();
        try
        {
            await ready.WaitAsync(cancellationToken);
            Log.Starting(_logger, controller.Name);
            await controller.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A failing controller is logged and stops alone; the server and the other controllers go on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.Failed(_logger, controller.Name, e);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 200, Level = LogLevel.Debug, Message = "Starting controller {Controller}")]
        public static partial void Starting(ILogger logger, string controller);

        [LoggerMessage(EventId = 201, Level = LogLevel.Error, Message = "Controller {Controller} stopped with an error; this is a bug")]
        public static partial void Failed(ILogger logger, string controller, Exception error);
    }
}
