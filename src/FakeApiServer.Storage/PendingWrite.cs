namespace FakeApiServer.Storage;

/// <summary>A queued write and the completion its caller awaits.</summary>
internal sealed class PendingWrite(WriteRequest request, CancellationToken cancellationToken)
{
    public WriteRequest Request { get; } = request;

    /// <summary>The span of the caller that queued the write (none when not traced), the parent of its commit's span.</summary>
    public System.Diagnostics.ActivityContext Caller { get; } = System.Diagnostics.Activity.Current?.Context ?? default;

    /// <summary>Checked once, before the writer evaluates the write; after that the write runs to the end.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    // Continuations run asynchronously so that callers never execute on the writer task.
    public TaskCompletionSource<WriteResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The staged outcome, reported once the batch commits; null when already completed (cancelled or failed).</summary>
    public WriteResult? Result { get; set; }
}
