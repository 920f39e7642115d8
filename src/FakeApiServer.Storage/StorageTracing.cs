using System.Diagnostics;

namespace FakeApiServer.Storage;

/// <summary>
/// The store's spans: one per committed batch ("storage commit"), a child of the first write's caller's span and
/// linked to the other callers' (a batch serves several requests). Nothing is recorded unless a listener listens.
/// </summary>
public static class StorageTracing
{
    /// <summary>The source's name, for a tracer provider's AddSource.</summary>
    public const string SourceName = "FakeApiServer.Storage";

    /// <summary>The span name of a commit.</summary>
    public const string CommitSpanName = "storage commit";

    internal static readonly ActivitySource Source = new(SourceName);

    /// <summary>The span of committing <paramref name="batch"/>'s writes, or null when no caller was traced or nobody listens.</summary>
    internal static Activity? StartCommit(IReadOnlyList<PendingWrite> batch, int writes)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var traced = batch.Where(p => p.Caller != default).Select(p => p.Caller).ToList();
        if (traced.Count == 0)
        {
            return null;
        }

        var activity = Source.StartActivity(CommitSpanName, ActivityKind.Internal, traced[0], links: [.. traced.Skip(1).Select(c => new ActivityLink(c))]);
        activity?.SetTag("storage.batch.writes", writes);
        return activity;
    }
}
