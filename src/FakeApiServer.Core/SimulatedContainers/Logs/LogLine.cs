namespace FakeApiServer.SimulatedContainers.Logs;

/// <summary>
/// One line of a container's log as the container runtime keeps it (a CRI log file's entry): when it was written and
/// its text without the newline. <see cref="Sequence"/> numbers the lines of a run, so a follower knows which it has sent.
/// </summary>
internal readonly record struct LogLine(long Sequence, DateTimeOffset Time, string Text);
