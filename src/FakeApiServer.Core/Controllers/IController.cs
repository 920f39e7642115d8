namespace FakeApiServer.Controllers;

/// <summary>
/// One in-process controller, as in kube-controller-manager: it watches through the server's own store and writes
/// through the registry (so admission and validation apply), reconciles idempotently, and runs until cancelled.
/// </summary>
internal interface IController
{
    /// <summary>The name used by --controllers (kube-controller-manager style, e.g. "namespace", "scheduler").</summary>
    string Name { get; }

    /// <summary>Runs until <paramref name="cancellationToken"/> fires; returns normally then.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
