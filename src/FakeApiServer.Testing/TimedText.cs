namespace FakeApiServer.Testing;

/// <summary>A piece of output a container writes <see cref="After"/> a moment (the attach, or the container's start for logs).</summary>
/// <param name="After">How long after that moment.</param>
/// <param name="Text">The text (a log line without its newline; attach output as written).</param>
public sealed record TimedText(TimeSpan After, string Text);
