using FakeApiServer.Testing.Recording;

namespace FakeApiServer.Testing;

/// <summary>Recording the requests the cluster serves.</summary>
public sealed partial class FakeCluster
{
    /// <summary>
    /// Records every request answered from now on, with its bodies, until the recording is disposed. Several
    /// recordings can run at once; with none, requests are not wrapped at all.
    /// <code>
    /// using var recording = cluster.StartRecording();
    /// await controller.ReconcileAsync(ct);
    /// recording.AssertNoWrites("secrets");
    /// </code>
    /// </summary>
    public RequestRecording StartRecording() => new(Requests);
}
