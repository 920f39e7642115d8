using FakeApiServer.SimulatedContainers.Logs;

namespace FakeApiServer.Tests.SimulatedContainers.Logs;

public sealed class ContainerLogStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void A_new_run_makes_the_current_one_previous_and_drops_the_one_before()
    {
        var store = new ContainerLogStore(TimeProvider.System);
        var first = store.Run("uid", "main", "id-0");
        first.Append(T0, "zero");
        var second = store.Run("uid", "main", "id-1");
        var third = store.Run("uid", "main", "id-2");

        Assert.True(first.Ended);
        Assert.True(second.Ended);
        Assert.False(third.Ended);
        Assert.Null(store.Find("uid", "main", "id-0"));
        Assert.Same(second, store.Find("uid", "main", "id-1"));
        Assert.Same(third, store.Run("uid", "main", "id-2"));
        Assert.Same(second, store.Run("uid", "main", "id-1"));
        Assert.Null(store.Find("uid", "side", "id-2"));
    }

    [Fact]
    public void Text_is_split_into_lines_whose_times_never_go_back()
    {
        var run = new ContainerRun("id", ContainerLogStore.DefaultMaxBytesPerRun);
        run.Append(T0.AddSeconds(5), "a\nb\n");
        run.Append(T0, "c\r\n");

        var lines = run.Read(-1).Lines;

        Assert.Equal(["a", "b", "c"], lines.Select(l => l.Text));
        Assert.All(lines, l => Assert.Equal(T0.AddSeconds(5), l.Time));
        Assert.Equal(["c"], run.Read(lines[1].Sequence).Lines.Select(l => l.Text));
    }

    [Fact]
    public void A_run_over_its_cap_drops_its_oldest_lines()
    {
        var run = new ContainerRun("id", maxBytes: 10);
        run.Append(T0, "1234");
        run.Append(T0, "5678");
        run.Append(T0, "9abc");

        Assert.Equal(["5678", "9abc"], run.Read(-1).Lines.Select(l => l.Text));
    }

    [Fact]
    public void A_line_written_once_per_run_is_not_repeated()
    {
        var run = new ContainerRun("id", ContainerLogStore.DefaultMaxBytesPerRun);

        Assert.True(run.AppendOnce("start", T0, "started"));
        Assert.False(run.AppendOnce("start", T0, "started"));
        Assert.Single(run.Read(-1).Lines);
    }

    [Fact]
    public async Task A_follower_wakes_on_a_new_line_and_on_the_end_of_a_removed_pod()
    {
        var store = new ContainerLogStore(TimeProvider.System);
        var run = store.Run("uid", "main", "id-0");
        var snapshot = run.Read(-1);
        Assert.False(snapshot.Changed.IsCompleted);

        run.Append(T0, "line");
        await snapshot.Changed;
        var next = run.Read(-1);
        store.RemovePod("uid");
        await next.Changed;

        Assert.True(run.Read(-1).Ended);
        Assert.Null(store.Find("uid", "main", "id-0"));
        Assert.Equal(0, store.PodCount);
    }
}
