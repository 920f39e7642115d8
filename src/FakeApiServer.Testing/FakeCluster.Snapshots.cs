namespace FakeApiServer.Testing;

/// <summary>Snapshots of the cluster's state, and starting from one.</summary>
public sealed partial class FakeCluster
{
    private static readonly TimeSpan SeedSettleLimit = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The cluster's state now, every object at its current version. The store's states are immutable, so this copies
    /// nothing; restore it with <see cref="RestoreAsync"/>, save it with <see cref="ClusterSnapshot.SaveAsync"/>.
    /// </summary>
    /// <param name="cancellationToken">Unused; for symmetry with <see cref="RestoreAsync"/>.</param>
    public Task<ClusterSnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new ClusterSnapshot(_host.Snapshot()));
    }

    /// <summary>
    /// Brings the cluster back to a snapshot, as <see cref="ResetAsync"/> does to the start: objects created since are
    /// removed (finalizers ignored), changed or removed ones written back, at new resourceVersions, so watchers see
    /// events. A snapshot of another cluster works too.
    /// </summary>
    /// <param name="snapshot">The state to go back to.</param>
    /// <param name="cancellationToken">Cancels the restore.</param>
    /// <returns>The number of objects written or removed.</returns>
    public Task<int> RestoreAsync(ClusterSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return _host.RestoreAsync(snapshot.State, cancellationToken);
    }

    /// <summary>Writes <see cref="FakeClusterOptions.Seed"/> and applies <see cref="FakeClusterOptions.SeedFolder"/>, then makes that the state <see cref="ResetAsync"/> returns to.</summary>
    private async Task SeedAsync(FakeClusterOptions options, CancellationToken cancellationToken)
    {
        if (options.Seed is null && options.SeedFolder is null)
        {
            return;
        }

        if (options.Seed is { } seed)
        {
            await RestoreAsync(seed, cancellationToken);
        }

        if (options.SeedFolder is { } folder)
        {
            await ApplyFolderAsync(folder, cancellationToken);
        }

        await _host.CaptureBaselineAsync(TimeSpan.Zero, SeedSettleLimit, static () => true, cancellationToken);
    }
}
