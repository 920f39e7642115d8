namespace FakeApiServer.Testing.Recording;

/// <summary>A <see cref="RequestRecording"/> assertion failed; the message lists the recorded requests, one per line.</summary>
public sealed class RecordingAssertionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RecordingAssertionException()
    {
    }

    /// <summary>Creates the exception with its message.</summary>
    /// <param name="message">What was expected and what was recorded.</param>
    public RecordingAssertionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    /// <param name="message">What was expected and what was recorded.</param>
    /// <param name="innerException">The cause.</param>
    public RecordingAssertionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
